// Purpose: One bulk pull as an operator sees it: its stage, who holds its lease, until when and whether that is still ahead (by the database's clock), how many runs claimed it, steps kicked off again because the previous payer forgot them, files downloaded and members ingested.
// Mode: read
// Params: $pull_id
MATCH (p:BulkPull {pull_id: $pull_id})
OPTIONAL MATCH (m:BulkPullMember {pull_id: $pull_id})
WITH p, count(m) AS members_ingested
RETURN p {.pull_id, .partner_id, .stage, .lease_holder, lease_until: toString(p.lease_until),
          lease_live: coalesce(p.lease_until > datetime(), false), .claims,
          .match_restarts, .export_restarts, created_at: toString(p.created_at), updated_at: toString(p.updated_at),
          files_downloaded: size(coalesce(p.downloaded, [])), members_ingested: members_ingested} AS pull
