// Purpose: Record one $member-match decision; for a unique match, link it to the member and keep the requester's coverage (a partner assertion, mm-4) and the consent received (mm-13).
// Mode: write
// Params: $decision, $member_key, $coverage, $consent
// $coverage and $consent are null unless the decision identified a member.
CREATE (d:MatchDecision)
SET d = $decision, d.at = datetime($decision.at)
WITH d
OPTIONAL MATCH (m:Member {member_key: $member_key})
CALL (d, m) {
  WITH d, m WHERE m IS NOT NULL
  CREATE (d)-[:IDENTIFIED]->(m)
}
CALL (d, m) {
  WITH d, m WHERE m IS NOT NULL AND $coverage IS NOT NULL
  MERGE (c:PartnerCoverage {coverage_key: $coverage.coverage_key})
  ON CREATE SET c += $coverage, c.first_seen = d.at
  SET c.last_seen = d.at
  MERGE (c)-[a:ASSERTED_FOR]->(m)
  ON CREATE SET a.since = d.at, a.decision_id = d.decision_id, a.partner_id = d.partner_id, a.actor = d.actor
  CREATE (d)-[:RECEIVED_COVERAGE]->(c)
}
CALL (d, m) {
  WITH d, m WHERE m IS NOT NULL AND $consent IS NOT NULL
  CREATE (k:ReceivedConsent)
  SET k = $consent, k.received_at = d.at
  CREATE (k)-[:FOR_MEMBER]->(m)
  CREATE (d)-[:RECEIVED_CONSENT]->(k)
}
RETURN d.decision_id AS decision_id
