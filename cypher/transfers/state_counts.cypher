// Purpose: How many transfers are in each state, with each state's owner, and how many outbox messages are pending and due.
// Mode: read
// Params: $now
MATCH (t:Transfer)
WITH t.state AS state, t.owner AS owner, count(*) AS transfers
ORDER BY state
WITH collect({state: state, owner: owner, transfers: transfers}) AS states
RETURN states,
       COUNT { MATCH (m:OutboxMessage) WHERE m.status = 'pending' } AS pending_messages,
       COUNT { MATCH (m:OutboxMessage) WHERE m.status = 'pending' AND m.due_at <= datetime($now) } AS due_messages
