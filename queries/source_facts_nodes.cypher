// name: source_facts_nodes
// description: The nodes (entities, budgets, counts, delegations) that cite a source, each with the quotes taken from that source.
// param: id string Source id
// param: limit int At most this many rows
// example: {"id": "source:kingsfund-2023", "limit": 100}
MATCH (n:Entity)
WHERE $id IN coalesce(n.source_ids, [])
RETURN n.id AS id, n.name AS name, labels(n) AS labels, n.valid_from AS valid_from, n.valid_to AS valid_to, n.status AS status,
       [i IN range(0, size(coalesce(n.evidence, [])) - 1) WHERE n.evidence_sources[i] = $id | n.evidence[i]] AS quotes
ORDER BY n.id
LIMIT $limit
