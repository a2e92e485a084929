// Purpose: One $member-match decision with its explanation (candidates and per-comparison contributions), for stewards and auditors.
// Mode: read
// Params: $decision_id
MATCH (d:MatchDecision {decision_id: $decision_id})
OPTIONAL MATCH (d)-[:RECEIVED_CONSENT]->(k:ReceivedConsent)
OPTIONAL MATCH (d)-[:RECEIVED_COVERAGE]->(c:PartnerCoverage)
RETURN d {.*} AS decision, k {.*} AS consent, c {.coverage_key, .partner_id} AS coverage
