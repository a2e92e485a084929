// Purpose: Real-time $member-match: decisions (explainable, searchable by demographic fingerprint for brute-force limits), partner coverage assertions and received consents.
// Mode: schema
// Params: none
CREATE CONSTRAINT match_decision_id IF NOT EXISTS
FOR (d:MatchDecision) REQUIRE d.decision_id IS UNIQUE;

CREATE INDEX match_decision_fingerprint IF NOT EXISTS
FOR (d:MatchDecision) ON (d.demographics_fingerprint, d.partner_id);

CREATE CONSTRAINT partner_coverage_key IF NOT EXISTS
FOR (c:PartnerCoverage) REQUIRE c.coverage_key IS UNIQUE;

CREATE CONSTRAINT received_consent_id IF NOT EXISTS
FOR (c:ReceivedConsent) REQUIRE c.consent_id IS UNIQUE;

CREATE INDEX source_record_payer IF NOT EXISTS
FOR (r:SourceRecord) ON (r.payer_id);
