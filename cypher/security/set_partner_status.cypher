// Purpose: Move a partner to a new status, only from the status the decision was made on, and append the history record.
// Mode: write
// Params: $partner_id, $from_status, $to_status, $change
MATCH (p:Partner {partner_id: $partner_id})
WHERE p.status = $from_status
OPTIONAL MATCH (p)-[:HAS_CHANGE]->(c:PartnerChange)
WITH p, count(c) AS changes
SET p.status = $to_status, p.updated_at = datetime()
CREATE (p)-[:HAS_CHANGE]->(:PartnerChange {seq: changes + 1, kind: $change.kind, from_status: $change.from_status,
                                           to_status: $change.to_status, actor: $change.actor,
                                           approval: $change.approval, reason: $change.reason,
                                           details: $change.details, at: datetime()})
RETURN count(p) AS moved
