// Purpose: Move a transfer from the state it is known to be in to the next one, with its owner, reason and history entry; no row when it was no longer in that state.
// Mode: write
// Params: $transfer_id, $from_state, $history, $changes
// $history: {seq, from_state, to_state, owner, reason, actor, at}; $changes: other properties to set (resume_state, remote ids, hashes).
MATCH (t:Transfer {transfer_id: $transfer_id})
WHERE t.state = $from_state
SET t += $changes, t.state = $history.to_state, t.owner = $history.owner, t.reason = $history.reason,
    t.updated_at = datetime($history.at), t.version = t.version + 1
CREATE (t)-[:HAD]->(h:TransferEvent)
SET h = $history, h.at = datetime($history.at), h.seq = t.version
RETURN t.version AS version
