// Purpose: What the last complete matching run changed: the links it created and the links it moved (superseded, disputed), counted by state, with a sample.
// Mode: read
// Params: $limit
// How to read the result: one row for the most recently loaded complete run (no row if no run
// completed). `counts` has one entry per (change, state): change 'created' counts the links the
// run created by the state it gave them (confirmed / candidate). Change 'moved' counts the
// transitions a model actor (model:<version>) made while this run was loading, by the state it
// moved them to (superseded: replaced or no longer linked. disputed: a steward-confirmed pair the
// run disagrees with). `links_created` / `transitions` are the run's own tallies, for comparison.
// `sample` lists at most $limit of those changes, disputed first, then new candidates (both need
// a steward), then the rest. `state_now` is the link's state today (a steward may have acted since).
// A transition belongs to the run when its event is between the run's started_at and loaded_at,
// so a later run that is still loading does not count. LinkEvent.at and Link.run_id have no
// index: this query scans links and events, fine for a steward, not for a hot path.
MATCH (run:MatchRun {status: 'complete'})
WITH run
ORDER BY run.loaded_at DESC
LIMIT 1
CALL (run) {
  CALL (run) {
    MATCH (l:Link)
    WHERE l.run_id = run.run_id
    OPTIONAL MATCH (l)-[:HAS_EVENT]->(first:LinkEvent {seq: 1})
    RETURN {change: 'created', link_id: l.link_id, pair_key: l.pair_key, from_state: null,
            to_state: coalesce(first.to_state, l.state), state_now: l.state, at: l.created_at,
            actor: coalesce(first.actor, l.actor), reason: coalesce(first.reason, l.reason),
            match_weight: l.match_weight} AS row
    UNION ALL
    MATCH (l:Link)-[:HAS_EVENT]->(e:LinkEvent)
    WHERE e.actor STARTS WITH 'model:' AND e.from_state IS NOT NULL
      AND e.at >= run.started_at AND e.at <= run.loaded_at
    RETURN {change: 'moved', link_id: l.link_id, pair_key: l.pair_key, from_state: e.from_state,
            to_state: e.to_state, state_now: l.state, at: e.at, actor: e.actor, reason: e.reason,
            match_weight: l.match_weight} AS row
  }
  WITH row
  ORDER BY CASE row.to_state WHEN 'disputed' THEN 0 WHEN 'candidate' THEN 1 WHEN 'confirmed' THEN 2 ELSE 3 END,
           row.at DESC, row.link_id
  RETURN collect(row) AS rows
}
CALL (rows) {
  UNWIND rows AS row
  WITH row.change AS change, row.to_state AS state, count(*) AS links
  ORDER BY change, state
  RETURN collect({change: change, state: state, links: links}) AS counts
}
RETURN
  run.run_id AS run_id,
  run.model_version AS model_version,
  run.started_at AS started_at,
  run.loaded_at AS loaded_at,
  run.links_created AS links_created,
  run.transitions AS transitions,
  counts,
  rows[..$limit] AS sample
