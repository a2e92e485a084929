// Purpose: What Patient $everything may release to a partner: the member (retired keys redirected) that a unique $member-match of this partner identified, our current records of it, and that match's time and recorded consent; no row when this partner never matched the member.
// Mode: read
// Params: $member_key, $partner_id, $payer_id
// Routing: leader
MATCH (start:Member {member_key: $member_key})
OPTIONAL MATCH (start)-[:REDIRECTS_TO*1..10]->(successor:Member {status: 'active'})
WITH start, coalesce(successor, start) AS m
MATCH (named:Member)-[:REDIRECTS_TO*0..10]->(start)
MATCH (d:MatchDecision {partner_id: $partner_id, outcome: 'unique_match'})-[:IDENTIFIED]->(named)
WITH m, d ORDER BY d.at DESC LIMIT 1
OPTIONAL MATCH (d)-[:RECEIVED_CONSENT]->(k:ReceivedConsent)
OPTIONAL MATCH (r:SourceRecord {payer_id: $payer_id})-[x:IN_MEMBER]->(m) WHERE x.until IS NULL
RETURN m.member_key AS member_key, d.decision_id AS decision_id, toString(date(d.at)) AS matched_on,
       k {.policy, .period_start, .period_end} AS consent,
       [id IN collect(DISTINCT r.record_id) WHERE id IS NOT NULL] AS record_ids
