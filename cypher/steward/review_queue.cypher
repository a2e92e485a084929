// Purpose: The steward queue: candidate and disputed links ranked by impact (records of the members involved plus their held transfers), then by match weight.
// Mode: read
// Params: $limit
// How to read the result: one row per open link, work on the top first, at most $limit rows.
// `members` are the member(s) the link's two records belong to now, each with its record count
// and the transfers held for it (`held_transfers`, 0 when none: a transfer made for a retired key
// counts for the member that key redirects to). `impact` = `member_size` (the records of those
// members, each member once) + `held_transfers`. Ties go to the higher `match_weight` (likelier
// match first, links without a weight, such as a steward's merge, last). `record_ids` are the
// link's two record ids, `left` / `right` those records as their source holds them now.
// A 'disputed' link was confirmed and is now contested: see disputed_links or why_linked.
// Member sizes come from Member.record_count, kept current by every load and steward action.
// The order is read from the link_queue_order index: every open link carries -impact
// (queue_rank) and -match_weight (queue_weight; 1.0e308 without one), kept by
// identity/refresh_queue_ranks wherever they can change, so the top rows cost what $limit does.
// Columns read by `p2p steward queue` and GET /steward/queue: link_id, state, record_ids,
// member_size, impact, match_weight, reason (keep them when editing).
MATCH (l:Link)
WHERE l.queue_rank IS NOT NULL AND l.queue_weight IS NOT NULL AND l.link_id IS NOT NULL
  AND l.state IN ['candidate', 'disputed']
WITH l
ORDER BY l.queue_rank, l.queue_weight, l.link_id
LIMIT $limit
MATCH (x:SourceRecord)<-[:LINKS]-(l)-[:LINKS]->(y:SourceRecord)
WHERE x.record_id < y.record_id
CALL (x, y) {
  MATCH (v:SourceRecord)-[im:IN_MEMBER]->(m:Member)
  WHERE v.record_id IN [x.record_id, y.record_id] AND im.until IS NULL
  WITH DISTINCT m
  WITH m,
       coalesce(m.record_count, 0) AS records,
       COUNT {
         MATCH (t:Transfer)-[:FOR_MEMBER]->(:Member)-[:REDIRECTS_TO*0..20]->(m)
         WHERE t.state = 'held_for_identity'
         RETURN DISTINCT t
       } AS held
  ORDER BY m.member_key
  RETURN collect({member_key: m.member_key, records: records, held_transfers: held}) AS members,
         sum(records) AS member_size,
         sum(held) AS held_transfers
}
RETURN
  l.link_id AS link_id,
  l.state AS state,
  [x.record_id, y.record_id] AS record_ids,
  -l.queue_rank AS impact,
  member_size,
  held_transfers,
  members,
  l.match_weight AS match_weight,
  l.match_probability AS match_probability,
  l.reason AS reason,
  l.actor AS actor,
  l.updated_at AS updated_at,
  COLLECT {
    MATCH (x)-[:SUPERSEDED_BY*0..]->(cur:SourceRecord)
    WHERE NOT (cur)-[:SUPERSEDED_BY]->()
    RETURN cur {.record_id, .payer_id, .member_id, .first_name, .last_name, .dob} AS r
  }[0] AS left,
  COLLECT {
    MATCH (y)-[:SUPERSEDED_BY*0..]->(cur:SourceRecord)
    WHERE NOT (cur)-[:SUPERSEDED_BY]->()
    RETURN cur {.record_id, .payer_id, .member_id, .first_name, .last_name, .dob} AS r
  }[0] AS right
ORDER BY impact DESC, match_weight IS NULL, match_weight DESC, link_id
