// Purpose: In one round trip for a $member-match: the partner's recent attempts for the same demographic fingerprint (brute-force limit, HRex mm-7), and our current records that could be the member, found through indexes by the card's ids and the blocking keys of the demographics, each with its member and whether that member's identity is settled.
// Mode: read
// Params: $fingerprint, $partner_id, $since, $payer_ids, $ids, $dob, $first_name, $last_name, $last_name_key, $zip5, $phone, $email, $limit
// $ids are the normalised member and subscriber ids from the card. A null key matches nothing.
// A member is held when it is not active or any of its records has a candidate or disputed link.
CALL () {
  OPTIONAL MATCH (d:MatchDecision {demographics_fingerprint: $fingerprint, partner_id: $partner_id})
  WHERE d.at >= datetime($since)
  RETURN collect({at: d.at, coverage_fingerprint: d.coverage_fingerprint}) AS attempts
}
CALL () {
  CALL () {
    UNWIND $ids AS v MATCH (r:SourceRecord {member_id_norm: v}) RETURN r
    UNION
    UNWIND $ids AS v MATCH (r:SourceRecord {subscriber_id_norm: v}) RETURN r
    UNION
    MATCH (r:SourceRecord {dob: $dob, first_name_norm: $first_name}) RETURN r
    UNION
    MATCH (r:SourceRecord {dob: $dob, last_name_key: $last_name_key}) RETURN r
    UNION
    MATCH (r:SourceRecord {dob: $dob, zip5: $zip5}) RETURN r
    UNION
    MATCH (r:SourceRecord {last_name_norm: $last_name, first_name_norm: $first_name}) RETURN r
    UNION
    MATCH (r:SourceRecord {phone: $phone}) RETURN r
    UNION
    MATCH (r:SourceRecord {email: $email}) RETURN r
  }
  WITH r WHERE r.payer_id IN $payer_ids AND NOT (r)-[:SUPERSEDED_BY]->()
  WITH r LIMIT $limit
  OPTIONAL MATCH (r)-[x:IN_MEMBER]->(m:Member) WHERE x.until IS NULL
  RETURN collect({
    record: r {.*}, member_key: m.member_key,
    held: m IS NULL OR m.status <> 'active' OR EXISTS {
      MATCH (m)<-[y:IN_MEMBER]-(:SourceRecord)<-[:LINKS]-(l:Link)
      WHERE y.until IS NULL AND l.state IN ['candidate', 'disputed']
    }
  }) AS candidates
}
RETURN attempts, candidates
