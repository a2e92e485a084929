// Purpose: All disputed links (a confirmed link a later decision disagrees with), with both records, newest first.
// Mode: read
// Params: $limit
// How to read the result: one row per disputed link, most recently disputed first, at most
// $limit rows. `reason` / `actor` / `updated_at` are the dispute itself (usually a model run,
// actor model:<version>, that no longer links a steward-confirmed pair). `confirmed_by` is the
// decision being disputed: who confirmed the link last, when and why. `left` / `right` are the
// two records as their source holds them now, with the member(s) each belongs to.
// `changed_since_link` true means the record changed after the link was decided.
// A disputed link no longer holds a member together: confirm it again or retire it.
MATCH (l:Link {state: 'disputed'})
MATCH (x:SourceRecord)<-[:LINKS]-(l)-[:LINKS]->(y:SourceRecord)
WHERE x.record_id < y.record_id
WITH l, x, y
ORDER BY l.updated_at DESC, l.link_id
LIMIT $limit
CALL (x) {
  MATCH (x)-[:SUPERSEDED_BY*0..]->(cur:SourceRecord)
  WHERE NOT (cur)-[:SUPERSEDED_BY]->()
  RETURN cur {.record_id, .payer_id, .member_id, .first_name, .last_name, .dob, changed_since_link: cur <> x,
              members: COLLECT {
                MATCH (:SourceRecord {record_id: x.record_id})-[m:IN_MEMBER]->(mem:Member)
                WHERE m.until IS NULL
                RETURN DISTINCT mem.member_key AS key ORDER BY key
              }} AS left
}
CALL (y) {
  MATCH (y)-[:SUPERSEDED_BY*0..]->(cur:SourceRecord)
  WHERE NOT (cur)-[:SUPERSEDED_BY]->()
  RETURN cur {.record_id, .payer_id, .member_id, .first_name, .last_name, .dob, changed_since_link: cur <> y,
              members: COLLECT {
                MATCH (:SourceRecord {record_id: y.record_id})-[m:IN_MEMBER]->(mem:Member)
                WHERE m.until IS NULL
                RETURN DISTINCT mem.member_key AS key ORDER BY key
              }} AS right
}
RETURN
  l.link_id AS link_id,
  l.pair_key AS pair_key,
  l.reason AS reason,
  l.actor AS actor,
  l.updated_at AS updated_at,
  l.match_weight AS match_weight,
  l.match_probability AS match_probability,
  COLLECT {
    MATCH (l)-[:HAS_EVENT]->(e:LinkEvent)
    WHERE e.to_state = 'confirmed'
    RETURN e {.actor, .reason, .at} AS confirmed
    ORDER BY e.seq DESC
    LIMIT 1
  }[0] AS confirmed_by,
  left,
  right
ORDER BY updated_at DESC, link_id
