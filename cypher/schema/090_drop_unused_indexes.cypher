// Purpose: Drop the identity graph's indexes that no query reads, so loads and incremental runs stop paying for them.
// Mode: schema
// Params: none
// Found by `python benchmarks/index_usage.py` (EXPLAIN of every cypher/ file) on a graph of
// 1,010,989 records: no plan seeks or scans these. Each one was kept up to date by every
// record, link or member written. A query added later that needs one brings it back in a new
// numbered file (under another name: a dropped name is never created again).
DROP INDEX source_record_dob IF EXISTS;
DROP INDEX source_record_member_id IF EXISTS;
DROP INDEX source_record_subscriber_id IF EXISTS;
DROP INDEX link_pair_key IF EXISTS;
DROP INDEX member_status IF EXISTS;
DROP INDEX match_run_status IF EXISTS;
