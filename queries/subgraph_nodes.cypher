// name: subgraph_nodes
// description: Full records (all properties and labels) of a list of nodes.
// param: ids list Node ids
// example: {"ids": ["type:icb", "org:nhs-england"]}
MATCH (n:Entity)
WHERE n.id IN $ids
RETURN n {.*, labels: labels(n)} AS node
ORDER BY n.id
