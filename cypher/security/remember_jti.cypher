// Purpose: Remember a client assertion's jti until its exp; a second use violates the uniqueness constraint (a replay).
// Mode: write
// Params: $key, $client_id, $jti, $exp
CREATE (j:AssertionJti {key: $key, client_id: $client_id, jti: $jti,
                        exp: datetime({epochSeconds: $exp}), at: datetime()})
RETURN j.key AS key
