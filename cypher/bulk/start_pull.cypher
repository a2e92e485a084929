// Purpose: The new payer's bulk pull by id, created at its first stage when new (a pull run again with the same id resumes where it stopped).
// Mode: write
// Params: $pull_id, $partner_id
MERGE (p:BulkPull {pull_id: $pull_id})
ON CREATE SET p.partner_id = $partner_id, p.stage = 'new', p.downloaded = [], p.created_at = datetime()
RETURN p {.pull_id, .partner_id, .stage, .match_url, .export_url, .group_id, .members_json, .manifest_json,
          .downloaded, .counts_json} AS pull
