// Purpose: The transfer made for a business intent (source payer, destination payer, request type, member, source request id), if any.
// Mode: read
// Params: $intent_key
MATCH (t:Transfer {intent_key: $intent_key})
RETURN t.transfer_id AS transfer_id
