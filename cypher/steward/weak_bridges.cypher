// Purpose: Members held together by one weak bridge: a confirmed link below $max_weight whose removal would split the member.
// Mode: read
// Params: $max_weight, $limit
// How to read the result: one row per weak bridge, weakest first, at most $limit rows.
// `member_key` and `record_count` are the member. `link_id`, `left`, `right`, `match_weight` the
// bridge. If this one link went (retired or disputed), the member would fall apart: the
// `left_side_records` records still connected to `left`, and the `right_side_records` others.
// `pendant` is true when one of the two records has no other confirmed link inside the member
// (the classic case: one record hanging on by a single weak link).
// How "bridge" is decided: exactly, not approximated by pendant records. Start from the weak
// confirmed links (Link.state index, then the weight filter). Take the member both records are in
// now and the confirmed links among its current records (by record_id, so links and memberships
// on older record versions count), then a breadth-first search from `left` over those links
// without this one, bounded by the member's record count (list work in plain Cypher, no plugin).
// `right` not reached = bridge. The work grows with member size times its links, which is small
// for people. A member of thousands of records is a defect of its own (look at it directly).
// Links whose two records are in different members are not listed here (they hold nothing).
MATCH (l:Link {state: 'confirmed'})
WHERE l.match_weight < $max_weight
MATCH (x:SourceRecord)<-[:LINKS]-(l)-[:LINKS]->(y:SourceRecord)
WHERE x.record_id < y.record_id
MATCH (:SourceRecord {record_id: x.record_id})-[mx:IN_MEMBER]->(m:Member)<-[my:IN_MEMBER]-(:SourceRecord {record_id: y.record_id})
WHERE mx.until IS NULL AND my.until IS NULL
WITH DISTINCT l, x.record_id AS a, y.record_id AS b, m
CALL (m) {
  MATCH (v:SourceRecord)-[im:IN_MEMBER]->(m)
  WHERE im.until IS NULL
  RETURN collect(DISTINCT v.record_id) AS record_ids
}
CALL (record_ids) {
  UNWIND record_ids AS rid
  // No labels on k and o: expand from each record (indexed) rather than scan links.
  MATCH (:SourceRecord {record_id: rid})<-[:LINKS]-(k)-[:LINKS]->(o)
  WHERE k.state = 'confirmed' AND rid < o.record_id AND o.record_id IN record_ids
  RETURN collect(DISTINCT {link_id: k.link_id, a: rid, b: o.record_id}) AS edges
}
WITH l, a, b, m, record_ids, [e IN edges WHERE e.link_id <> l.link_id] AS others
// Breadth-first search from a without l: each round adds the unseen neighbours of the frontier,
// it stops early (empty frontier) once b is reached or nothing new is found.
WITH l, a, b, m, record_ids, others,
     reduce(s = {seen: [a], frontier: [a]}, _ IN record_ids |
       CASE WHEN size(s.frontier) = 0 THEN s
       ELSE [step IN [reduce(new = [], r IN
                [e IN others WHERE e.a IN s.frontier | e.b] + [e IN others WHERE e.b IN s.frontier | e.a] |
                CASE WHEN r IN s.seen OR r IN new THEN new ELSE new + r END)] |
             {seen: s.seen + step, frontier: CASE WHEN b IN step THEN [] ELSE step END}][0]
       END) AS search
WHERE NOT b IN search.seen
RETURN
  m.member_key AS member_key,
  size(record_ids) AS record_count,
  l.link_id AS link_id,
  a AS left,
  b AS right,
  l.match_weight AS match_weight,
  l.match_probability AS match_probability,
  l.decided_by AS decided_by,
  l.actor AS actor,
  l.reason AS reason,
  size(search.seen) AS left_side_records,
  size(record_ids) - size(search.seen) AS right_side_records,
  size([e IN others WHERE a IN [e.a, e.b]]) = 0 OR size([e IN others WHERE b IN [e.a, e.b]]) = 0 AS pendant
ORDER BY match_weight, record_count DESC, link_id
LIMIT $limit
