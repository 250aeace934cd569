// name: entity_history_predecessors
// description: What a body or type replaced, transitively: chains of SUCCEEDED_BY and RENAMED_TO events backwards into the node (up to 8 steps). Steps are listed from the predecessor towards the node. Every step must hold in the window (all time unless narrowed; in_force unless status says otherwise); each carries its type, date, statute where the relationship names one, and evidence.
// window: always
// param: id string Node id, e.g. type:icb
// example: {"id": "type:icb"}
MATCH p = (m:Entity)-[:SUCCEEDED_BY|RENAMED_TO*1..8]->(n:Entity {id: $id})
WHERE m.id <> $id
  AND all(r IN relationships(p) WHERE @valid(r))
RETURN m {.*, labels: labels(m)} AS node,
       length(p) AS distance,
       [r IN relationships(p) | r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id}] AS steps
ORDER BY distance, m.id
LIMIT 500
