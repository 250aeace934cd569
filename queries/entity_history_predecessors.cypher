// name: entity_history_predecessors
// description: What a body or type replaced, transitively: chains of SUCCEEDED_BY and RENAMED_TO relationships backwards into the node (up to 8 steps), over all dates. Each step carries its type, date (valid_from), statute where the relationship names one, and evidence. Steps are listed from the predecessor towards the node.
// param: id string Node id, e.g. type:icb
// example: {"id": "type:icb"}
MATCH p = (m:Entity)-[:SUCCEEDED_BY|RENAMED_TO*1..8]->(n:Entity {id: $id})
WHERE m.id <> $id
RETURN m {.*, labels: labels(m)} AS node,
       length(p) AS distance,
       [r IN relationships(p) | r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id}] AS steps
ORDER BY distance, m.id
LIMIT 500
