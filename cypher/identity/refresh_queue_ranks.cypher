// Purpose: Keep the steward queue's order on the open links a change can touch: the links of these members' records (and of the members they redirect to) and these links themselves.
// Mode: write
// Params: $member_keys, $link_ids
// An open (candidate or disputed) link gets queue_rank = -impact and queue_weight = -match_weight
// (1.0e308 without a weight, so those come last), which the link_queue_order index keeps in
// the queue's order; any other link loses both. impact is the queue's definition: the current
// records of the member(s) the link's two records belong to (by record id, each member once)
// plus the transfers held for identity for them (a transfer made for a retired key counts for
// the member that key redirects to). Run it after every change of a link's state, of a
// member's records, of a held transfer, and of a redirect.
CALL () {
  UNWIND $member_keys AS key
  MATCH (:Member {member_key: key})-[:REDIRECTS_TO*0..20]->(m:Member)
  MATCH (m)<-[im:IN_MEMBER]-(v:SourceRecord)
  WHERE im.until IS NULL
  MATCH (:SourceRecord {record_id: v.record_id})<-[:LINKS]-(l:Link)
  WHERE l.state IN ['candidate', 'disputed']
  RETURN l
  UNION
  UNWIND $link_ids AS id
  MATCH (l:Link {link_id: id})
  RETURN l
}
WITH DISTINCT l
CALL (l) {
  WITH l
  WHERE l.state IN ['candidate', 'disputed']
  MATCH (x:SourceRecord)<-[:LINKS]-(l)-[:LINKS]->(y:SourceRecord)
  WHERE x.record_id < y.record_id
  CALL (x, y) {
    MATCH (v:SourceRecord)-[im:IN_MEMBER]->(m:Member)
    WHERE v.record_id IN [x.record_id, y.record_id] AND im.until IS NULL
    WITH DISTINCT m
    RETURN sum(coalesce(m.record_count, 0)) + sum(COUNT {
      MATCH (t:Transfer)-[:FOR_MEMBER]->(:Member)-[:REDIRECTS_TO*0..20]->(m)
      WHERE t.state = 'held_for_identity'
      RETURN DISTINCT t
    }) AS impact
  }
  SET l.queue_rank = -impact, l.queue_weight = coalesce(-l.match_weight, 1.0e308)
}
CALL (l) {
  WITH l
  WHERE NOT l.state IN ['candidate', 'disputed'] AND l.queue_rank IS NOT NULL
  REMOVE l.queue_rank, l.queue_weight
}
RETURN count(l) AS refreshed
