// Purpose: Claim the lease of a bulk pull for one process (the pull is created at its first stage when new), only when no other process holds an unexpired lease on it and the pull is from this partner; the pull is locked first, then checked, so of two claims at once exactly one wins. Returns whether it was claimed, the holder and expiry found before this claim, and the pull.
// Mode: write
// Params: $pull_id, $partner_id, $holder, $token, $now, $lease_until
// Nothing but pull_id is read before the lock (the SET), so the check sees what a concurrent claim committed.
MERGE (p:BulkPull {pull_id: $pull_id})
ON CREATE SET p.partner_id = $partner_id, p.stage = 'new', p.downloaded = [], p.created_at = datetime($now),
              p.claims = 0
SET p.lock_probe = $token
WITH p, p.lease_holder AS held_by, p.lease_until AS held_until
WITH p, held_by, held_until,
     p.partner_id = $partner_id AND (held_until IS NULL OR held_until <= datetime($now)) AS free
SET p.lease_holder = CASE WHEN free THEN $holder ELSE p.lease_holder END,
    p.lease_token = CASE WHEN free THEN $token ELSE p.lease_token END,
    p.lease_until = CASE WHEN free THEN datetime($lease_until) ELSE p.lease_until END,
    p.claims = CASE WHEN free THEN coalesce(p.claims, 0) + 1 ELSE p.claims END
RETURN free AS claimed, held_by AS held_by, toString(held_until) AS held_until,
       p {.pull_id, .partner_id, .stage, .match_url, .export_url, .group_id, .members_json, .manifest_json,
          .downloaded, .counts_json, .claims, .match_restarts, .export_restarts} AS pull
