// Purpose: A partner's recent $member-match attempts for the same demographic fingerprint (brute-force detection, HRex mm-7).
// Mode: read
// Params: $fingerprint, $partner_id, $since
MATCH (d:MatchDecision {demographics_fingerprint: $fingerprint, partner_id: $partner_id})
WHERE d.at >= datetime($since)
RETURN d.at AS at, d.coverage_fingerprint AS coverage_fingerprint
ORDER BY d.at
