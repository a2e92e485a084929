// Purpose: Keep the must-not-link pairs a run found (twins, relatives, different SSNs) so later clustering respects them.
// Mode: write
// Params: $rows, $run_id
UNWIND $rows AS row
MATCH (a:SourceRecord {record_id: row.left}) WHERE NOT (a)-[:SUPERSEDED_BY]->()
MATCH (b:SourceRecord {record_id: row.right}) WHERE NOT (b)-[:SUPERSEDED_BY]->()
MERGE (a)-[m:MUST_NOT_LINK]->(b)
ON CREATE SET m.rule = row.rule, m.run_id = $run_id, m.match_weight = row.match_weight
RETURN count(m) AS pairs
