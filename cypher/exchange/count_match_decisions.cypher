// Purpose: How many $member-match decisions are recorded (operations figure; tests use it to prove a refused request wrote nothing).
// Mode: read
// Params: none
MATCH (d:MatchDecision)
RETURN count(d) AS decisions
