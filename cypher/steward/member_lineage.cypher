// Purpose: Lineage of a member: the current member a key resolves to, its current and past records, the keys merged into it, splits, and the confirmed links holding it together.
// Mode: read
// Params: $member_key
// How to read the result: one row (none if the key was never issued). `asked_key` is the key you
// gave. A retired key follows REDIRECTS_TO (possibly several hops, shown in `redirect_chain`) to
// the first active member, and everything else describes that member (`member_key`). A retired
// key with no successor stays on itself (status 'retired').
// `current_records`: records in the member now (open IN_MEMBER), shown as their source holds them
// now, with when and why they joined. `past_records`: closed memberships of this member and of
// every key redirecting into it (`member_key` = the member the record was in, `now_in` = where the
// record is today). `redirected_from`: retired keys that resolve to this member (`hops` away).
// `split_from`: the member this one was split out of by a steward. `split_off`: members split out
// of this one. `confirmed_links`: the confirmed links among the current records (lowest weight
// first: the weakest holds are at the top).
// Memberships and links sit on a record version: everything here is grouped by record_id, so a
// record that changed (a newer version) still counts once and shows its newest values.
MATCH (asked:Member {member_key: $member_key})
CALL (asked) {
  // `found` has no label on purpose: the walk starts from `asked`, never from an index of all members.
  OPTIONAL MATCH hop = (asked)-[:REDIRECTS_TO*0..20]->(found)
  WHERE found.status = 'active' AND all(n IN nodes(hop)[..-1] WHERE n.status = 'retired')
  RETURN found, [n IN nodes(hop) | n.member_key] AS chain
  ORDER BY length(hop)
  LIMIT 1
}
WITH asked, coalesce(found, asked) AS m, coalesce(chain, [asked.member_key]) AS redirect_chain
CALL (m) {
  OPTIONAL MATCH (v:SourceRecord)-[x:IN_MEMBER]->(m)
  WHERE x.until IS NULL
  RETURN collect(DISTINCT v.record_id) AS record_ids
}
RETURN
  asked.member_key AS asked_key,
  redirect_chain,
  m.member_key AS member_key,
  m.status AS status,
  m.created_at AS created_at,
  m.created_by AS created_by,
  m.retired_at AS retired_at,
  m.retire_reason AS retire_reason,
  size(record_ids) AS record_count,
  COLLECT {
    MATCH (v:SourceRecord)-[x:IN_MEMBER]->(m)
    WHERE x.until IS NULL
    WITH v.record_id AS rid, x
    ORDER BY x.since
    WITH rid, head(collect(x)) AS x
    MATCH (cur:SourceRecord {record_id: rid})
    WHERE NOT (cur)-[:SUPERSEDED_BY]->()
    RETURN cur {.record_id, .payer_id, .member_id, .first_name, .last_name, .dob,
                since: x.since, actor: x.actor, reason: x.reason} AS record
    ORDER BY record.record_id
  } AS current_records,
  COLLECT {
    MATCH (lineage:Member)-[:REDIRECTS_TO*0..20]->(m)
    WITH DISTINCT lineage
    MATCH (v:SourceRecord)-[x:IN_MEMBER]->(lineage)
    WHERE x.until IS NOT NULL
    RETURN {record_id: v.record_id, member_key: lineage.member_key, since: x.since, until: x.until,
            actor: x.actor, reason: x.reason, closed_by: x.closed_by, close_reason: x.close_reason,
            now_in: COLLECT {
              MATCH (:SourceRecord {record_id: v.record_id})-[now:IN_MEMBER]->(today:Member)
              WHERE now.until IS NULL
              RETURN DISTINCT today.member_key AS key ORDER BY key
            }} AS past
    ORDER BY past.until DESC, past.record_id
  } AS past_records,
  COLLECT {
    MATCH hop = (old:Member)-[:REDIRECTS_TO*1..20]->(m)
    WITH old, min(length(hop)) AS hops
    MATCH (old)-[r:REDIRECTS_TO]->(next:Member)
    RETURN {member_key: old.member_key, redirects_to: next.member_key, hops: hops, at: r.at, actor: r.actor,
            reason: r.reason, retired_at: old.retired_at, retire_reason: old.retire_reason} AS merged
    ORDER BY merged.hops, merged.member_key
  } AS redirected_from,
  COLLECT {
    MATCH (m)-[s:SPLIT_FROM]->(parent:Member)
    RETURN {member_key: parent.member_key, at: s.at, actor: s.actor, reason: s.reason} AS split
    ORDER BY split.at
  } AS split_from,
  COLLECT {
    MATCH (child:Member)-[s:SPLIT_FROM]->(m)
    RETURN {member_key: child.member_key, at: s.at, actor: s.actor, reason: s.reason} AS split
    ORDER BY split.at
  } AS split_off,
  COLLECT {
    UNWIND record_ids AS rid
    // No labels on l and other: expand from each record (indexed) rather than scan links.
    MATCH (:SourceRecord {record_id: rid})<-[:LINKS]-(l)-[:LINKS]->(other)
    WHERE l.state = 'confirmed' AND rid < other.record_id AND other.record_id IN record_ids
    WITH DISTINCT l, rid, other.record_id AS other_id
    RETURN l {.link_id, .decided_by, .actor, .reason, .match_weight, .match_probability, .updated_at,
              left: rid, right: other_id} AS link
    ORDER BY link.match_weight, link.link_id
  } AS confirmed_links
