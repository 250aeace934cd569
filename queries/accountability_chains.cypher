// name: accountability_chains
// description: Every chain of ACCOUNTABLE_TO relationships from a body (or type) upwards to a body that answers to no one, as of a date. Every node and relationship on a chain must be valid on as_of, and the top must have no ACCOUNTABLE_TO valid on as_of to a node valid on as_of. Type-level accountability reaches instances through derived edges made at ingest. Chains are capped at 8 steps.
// param: id string Start node id (a body such as org:nws-ccg or a type such as type:icb)
// param: as_of date Landscape date, ISO YYYY-MM-DD
// example: {"id": "type:icb", "as_of": "2024-01-01"}
MATCH p = (start:Entity {id: $id})-[:ACCOUNTABLE_TO*1..8]->(top:Entity)
WHERE all(r IN relationships(p) WHERE coalesce(r.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(r.valid_to, '9999-12-31'))
  AND all(n IN nodes(p) WHERE coalesce(n.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(n.valid_to, '9999-12-31'))
WITH p, top,
     size([(top)-[up:ACCOUNTABLE_TO]->(above:Entity)
           WHERE coalesce(up.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(up.valid_to, '9999-12-31')
             AND coalesce(above.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(above.valid_to, '9999-12-31') | up]) AS above_count
WHERE above_count = 0
RETURN [n IN nodes(p) | n {.*, labels: labels(n)}] AS nodes,
       [r IN relationships(p) | r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id}] AS relationships
ORDER BY length(p), top.id
