// Purpose: What a Group export may release, per member of the Group (retired keys followed to their successor): the latest unique $member-match of this partner that identified the member, its recorded consent, and our current records of the member.
// Mode: read
// Params: $group_id, $partner_id, $payer_id
// Routing: leader
MATCH (g:MemberGroup {group_id: $group_id})-[:HAS_MEMBER]->(start:Member)
OPTIONAL MATCH (start)-[:REDIRECTS_TO*1..10]->(successor:Member {status: 'active'})
WITH start, coalesce(successor, start) AS m
CALL (start) {
  OPTIONAL MATCH (named:Member)-[:REDIRECTS_TO*0..10]->(start)
  OPTIONAL MATCH (d:MatchDecision {partner_id: $partner_id, outcome: 'unique_match'})-[:IDENTIFIED]->(named)
  WITH d ORDER BY d.at DESC LIMIT 1
  RETURN d
}
OPTIONAL MATCH (d)-[:RECEIVED_CONSENT]->(k:ReceivedConsent)
OPTIONAL MATCH (r:SourceRecord {payer_id: $payer_id})-[x:IN_MEMBER]->(m) WHERE x.until IS NULL
RETURN start.member_key AS group_member_key, m.member_key AS member_key, d.decision_id AS decision_id,
       k {.policy, .period_start, .period_end} AS consent,
       [id IN collect(DISTINCT r.record_id) WHERE id IS NOT NULL] AS record_ids
ORDER BY group_member_key
