// name: entity_history_successors
// description: What replaced a body or type, transitively: chains of SUCCEEDED_BY and RENAMED_TO events forwards from the node (up to 8 steps). Every step must hold in the window (all time unless narrowed; in_force unless status says otherwise); each carries its type, date, statute where the relationship names one, and evidence.
// window: always
// param: id string Node id, e.g. type:pct
// example: {"id": "type:pct"}
MATCH p = (n:Entity {id: $id})-[:SUCCEEDED_BY|RENAMED_TO*1..8]->(m:Entity)
WHERE m.id <> $id
  AND all(r IN relationships(p) WHERE @valid(r))
RETURN m {.*, labels: labels(m)} AS node,
       length(p) AS distance,
       [r IN relationships(p) | r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id}] AS steps
ORDER BY distance, m.id
LIMIT 500
