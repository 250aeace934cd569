// name: subgraph_edges
// description: Every relationship holding in the window whose two ends are both in a set of nodes (the edges of an induced subgraph), with all its properties.
// window: today
// param: ids list Node ids
// param: limit int At most this many relationships
// example: {"ids": ["type:icb", "org:nhs-england"], "as_of": "2024-01-01", "limit": 5000}
MATCH (a:Entity)-[r]->(b:Entity)
WHERE a.id IN $ids AND b.id IN $ids
  AND @valid(r)
RETURN r {.*, type: type(r), from: a.id, to: b.id} AS edge
ORDER BY r.id
LIMIT $limit
