// Purpose: Transfers held for identity, each with its member and the candidate or disputed links that keep that member's identity open.
// Mode: read
// Params: $limit
// How to read the result: one row per transfer in state 'held_for_identity', oldest first, at
// most $limit rows. `member_key` is the key the transfer was made for. A key retired since
// resolves through REDIRECTS_TO to `current_member_key`. `blocking_links` are the candidate and
// disputed links touching that member's current records: the reason the transfer waits. Each
// shows the record inside the member (`record`), the record on the other end (`other_record`)
// and the member(s) that one belongs to (`other_members`, empty when it has none).
// A held transfer with no blocking links is waiting for nothing: it can be released.
// Transfers are (:Transfer {transfer_id, state, correlation_id, created_at})-[:FOR_MEMBER]->(:Member).
// On a graph without Transfer nodes this returns no rows (Neo4j may warn the label is unknown).
MATCH (t:Transfer)-[:FOR_MEMBER]->(asked:Member)
WHERE t.state = 'held_for_identity'
WITH t, asked
ORDER BY t.created_at, t.transfer_id
LIMIT $limit
CALL (asked) {
  // `found` has no label on purpose: the walk starts from `asked`, never from an index of all members.
  OPTIONAL MATCH hop = (asked)-[:REDIRECTS_TO*0..20]->(found)
  WHERE found.status = 'active' AND all(n IN nodes(hop)[..-1] WHERE n.status = 'retired')
  RETURN found
  ORDER BY length(hop)
  LIMIT 1
}
WITH t, asked, coalesce(found, asked) AS m
CALL (m) {
  OPTIONAL MATCH (v:SourceRecord)-[im:IN_MEMBER]->(m)
  WHERE im.until IS NULL
  RETURN collect(DISTINCT v.record_id) AS record_ids
}
RETURN
  t.transfer_id AS transfer_id,
  t.correlation_id AS correlation_id,
  t.created_at AS created_at,
  asked.member_key AS member_key,
  m.member_key AS current_member_key,
  m.status AS member_status,
  size(record_ids) AS record_count,
  COLLECT {
    UNWIND record_ids AS rid
    // No labels on l and other: expand from each record (indexed) rather than scan links.
    MATCH (:SourceRecord {record_id: rid})<-[:LINKS]-(l)-[:LINKS]->(other)
    WHERE l.state IN ['candidate', 'disputed'] AND other.record_id <> rid
    WITH DISTINCT l, rid, other.record_id AS other_id
    RETURN l {.link_id, .state, .pair_key, .match_weight, .match_probability, .reason, .actor, .updated_at,
              record: rid, other_record: other_id,
              other_members: COLLECT {
                MATCH (:SourceRecord {record_id: other_id})-[om:IN_MEMBER]->(o:Member)
                WHERE om.until IS NULL
                RETURN DISTINCT o.member_key AS key ORDER BY key
              }} AS link
    ORDER BY link.state DESC, link.match_weight DESC, link.link_id
  } AS blocking_links
ORDER BY created_at, transfer_id
