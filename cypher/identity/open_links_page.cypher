// Purpose: Open (candidate or disputed) link ids in link id order, a page at a time: ranking every open link of a graph loaded before the queue kept its order.
// Mode: read
// Params: $after, $limit
MATCH (l:Link)
WHERE l.link_id > $after AND l.state IN ['candidate', 'disputed']
RETURN l.link_id AS link_id
ORDER BY l.link_id
LIMIT $limit
