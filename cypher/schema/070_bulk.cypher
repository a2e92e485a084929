// Purpose: Bulk exchange: background jobs ($bulk-member-match, $davinci-data-export) claimed with a lease, the per-member results of a match job (so a restarted job resumes), and the member Groups partners export.
// Mode: schema
// Params: none
CREATE CONSTRAINT bulk_job_id_unique IF NOT EXISTS
FOR (j:BulkJob) REQUIRE j.job_id IS UNIQUE;

CREATE INDEX bulk_job_status IF NOT EXISTS
FOR (j:BulkJob) ON (j.status, j.created_at);

CREATE CONSTRAINT bulk_match_entry_unique IF NOT EXISTS
FOR (e:BulkMatchEntry) REQUIRE (e.job_id, e.idx) IS UNIQUE;

CREATE CONSTRAINT member_group_id_unique IF NOT EXISTS
FOR (g:MemberGroup) REQUIRE g.group_id IS UNIQUE;

CREATE INDEX member_group_owner IF NOT EXISTS
FOR (g:MemberGroup) ON (g.owner_partner_id, g.code);
