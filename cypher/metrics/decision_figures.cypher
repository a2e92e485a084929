// Purpose: Our $member-match decisions (as the previous payer) per requesting partner and outcome: all time, in the recent window and in the baseline window before it.
// Mode: read
// Params: $recent_since, $baseline_since
MATCH (d:MatchDecision)
RETURN d.partner_id AS partner, d.outcome AS outcome, count(*) AS decisions,
       sum(CASE WHEN d.at >= datetime($recent_since) THEN 1 ELSE 0 END) AS recent,
       sum(CASE WHEN d.at >= datetime($baseline_since) AND d.at < datetime($recent_since) THEN 1 ELSE 0 END) AS baseline
ORDER BY partner, outcome
