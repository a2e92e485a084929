// Purpose: The new payer's durable bulk pulls: one (:BulkPull) per pull (its stage, the previous payer's status URLs, the matched Group, the manifest, the files downloaded), and one (:BulkPullMember) per member whose data the pull ingested, so a pull resumed after a crash ingests each member once.
// Mode: schema
// Params: none
CREATE CONSTRAINT bulk_pull_id_unique IF NOT EXISTS
FOR (p:BulkPull) REQUIRE p.pull_id IS UNIQUE;

CREATE CONSTRAINT bulk_pull_member_unique IF NOT EXISTS
FOR (m:BulkPullMember) REQUIRE (m.pull_id, m.member_key) IS UNIQUE;
