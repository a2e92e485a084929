// Purpose: How often each value of one matching column occurs among our current records (the real-time scorer's term frequencies); only repeated values are listed.
// Mode: read
// Params: $payer_ids, $column, $min_count
// $column is a property name chosen by the code from the model's term-frequency columns, never input.
MATCH (r:SourceRecord)
WHERE r.payer_id IN $payer_ids AND r[$column] IS NOT NULL AND NOT (r)-[:SUPERSEDED_BY]->()
WITH r[$column] AS value, count(*) AS n
WITH sum(n) AS total, collect(CASE WHEN n >= $min_count THEN [value, n] END) AS repeated
RETURN total, repeated
