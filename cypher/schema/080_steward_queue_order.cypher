// Purpose: The steward queue read in order from an index: every open link carries its queue position (queue_rank = -impact, queue_weight = -match_weight, link_id), kept by identity/refresh_queue_ranks.
// Mode: schema
// Params: none
CREATE INDEX link_queue_order IF NOT EXISTS
FOR (l:Link) ON (l.queue_rank, l.queue_weight, l.link_id);
