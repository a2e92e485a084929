// Purpose: The coverages partners asserted for a member through $member-match (CoverageToLink, mm-4), with who asserted them and when.
// Mode: read
// Params: $member_key
MATCH (c:PartnerCoverage)-[a:ASSERTED_FOR]->(m:Member {member_key: $member_key})
RETURN c.coverage_key AS coverage_key, c.partner_id AS partner_id, c.identifier_system AS identifier_system,
       a.since AS since, a.decision_id AS decision_id
ORDER BY a.since
