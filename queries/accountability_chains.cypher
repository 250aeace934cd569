// name: accountability_chains
// description: Every chain of ACCOUNTABLE_TO relationships from a body (or type) upwards to a body that answers to no one, in the window (one day, or a period in which each step holds at some time). Every node and relationship on a chain must hold in the window (time and status), and the top must have no ACCOUNTABLE_TO that holds to a node that holds. Type-level accountability reaches real bodies through derived edges made at ingest (quantifier all only). Chains are capped at 8 steps.
// window: today
// param: id string Start node id (a body such as org:nws-ccg or a type such as type:icb)
// example: {"id": "type:icb", "as_of": "2024-01-01"}
MATCH p = (start:Entity {id: $id})-[:ACCOUNTABLE_TO*1..8]->(top:Entity)
WHERE all(r IN relationships(p) WHERE @valid(r))
  AND all(n IN nodes(p) WHERE @valid(n))
WITH p, top,
     size([(top)-[up:ACCOUNTABLE_TO]->(above:Entity) WHERE @valid(up) AND @valid(above) | up]) AS above_count
WHERE above_count = 0
RETURN [n IN nodes(p) | n {.*, labels: labels(n)}] AS nodes,
       [r IN relationships(p) | r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id}] AS relationships
ORDER BY length(p), top.id
