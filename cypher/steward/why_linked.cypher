// Purpose: Why are these two records linked: every link between them (any state) with its provenance and history, and both records side by side.
// Mode: read
// Params: $left_record_id, $right_record_id
// How to read the result: one row per link between the two records, newest first, the order
// of the two ids does not matter. `left` is $left_record_id and `right` is $right_record_id as
// their source holds them now (current version), each with `members`, the member key(s) the
// record currently belongs to (one normally, the same key on both sides = linked into one person).
// `events` is the link's history, oldest first: seq 1 is its creation (from_state null), then
// every transition with who (actor: model:<version>, steward:<name>, quality:<check>) and why.
// `contributions` is JSON: mw_<comparison> is how much each comparison added to match_weight,
// gamma_<comparison> the level it matched at. `must_not_link` / `never_link_rules` name a rule
// saying the two are different people. `supersedes` / `superseded_by` are the link ids of the
// model decisions this one replaced or was replaced by.
// `left_linked_as` / `right_linked_as` are null when the link points at the record as it is now,
// otherwise the record changed after the decision and they show the version it was made on.
// No link between them: one row with link_id null, so you still see both records. An unknown
// record id gives `left` or `right` null.
OPTIONAL MATCH (a:SourceRecord {record_id: $left_record_id})
WHERE NOT (a)-[:SUPERSEDED_BY]->()
OPTIONAL MATCH (b:SourceRecord {record_id: $right_record_id})
WHERE NOT (b)-[:SUPERSEDED_BY]->()
// Links point at the record version they were decided on, so match any version of each record.
OPTIONAL MATCH (va:SourceRecord {record_id: $left_record_id})<-[:LINKS]-(l:Link)-[:LINKS]->(vb:SourceRecord {record_id: $right_record_id})
WITH a, b, l, va, vb
ORDER BY l.created_at DESC, l.link_id
RETURN
  l.link_id AS link_id,
  l.pair_key AS pair_key,
  l.state AS state,
  l.decided_by AS decided_by,
  l.actor AS actor,
  l.reason AS reason,
  l.model_version AS model_version,
  l.run_id AS run_id,
  l.match_weight AS match_weight,
  l.match_probability AS match_probability,
  l.blocking_rule AS blocking_rule,
  l.must_not_link AS must_not_link,
  l.contributions AS contributions,
  l.created_at AS created_at,
  l.updated_at AS updated_at,
  COLLECT {
    MATCH (l)-[:HAS_EVENT]->(e:LinkEvent)
    RETURN e {.seq, .from_state, .to_state, .at, .actor, .reason, .evidence} AS event
    ORDER BY event.seq
  } AS events,
  COLLECT { MATCH (l)-[:SUPERSEDES]->(older:Link) RETURN older.link_id } AS supersedes,
  COLLECT { MATCH (newer:Link)-[:SUPERSEDES]->(l) RETURN newer.link_id } AS superseded_by,
  a {
    .record_id, .payer_id, .member_id, .first_name, .last_name, .dob,
    members: COLLECT {
      MATCH (:SourceRecord {record_id: $left_record_id})-[m:IN_MEMBER]->(mem:Member)
      WHERE m.until IS NULL
      RETURN DISTINCT mem.member_key AS member_key ORDER BY member_key
    }
  } AS left,
  b {
    .record_id, .payer_id, .member_id, .first_name, .last_name, .dob,
    members: COLLECT {
      MATCH (:SourceRecord {record_id: $right_record_id})-[m:IN_MEMBER]->(mem:Member)
      WHERE m.until IS NULL
      RETURN DISTINCT mem.member_key AS member_key ORDER BY member_key
    }
  } AS right,
  CASE WHEN va IS NULL OR va = a THEN null
       ELSE va {.record_key, .payer_id, .member_id, .first_name, .last_name, .dob} END AS left_linked_as,
  CASE WHEN vb IS NULL OR vb = b THEN null
       ELSE vb {.record_key, .payer_id, .member_id, .first_name, .last_name, .dob} END AS right_linked_as,
  COLLECT {
    MATCH (:SourceRecord {record_id: $left_record_id})-[n:MUST_NOT_LINK]-(:SourceRecord {record_id: $right_record_id})
    RETURN DISTINCT n.rule AS rule ORDER BY rule
  } AS never_link_rules
