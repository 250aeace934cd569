// name: subgraph_edges
// description: Every relationship valid on as_of whose two ends are both in a set of nodes (the edges of an induced subgraph), with all its properties.
// param: ids list Node ids
// param: as_of date Landscape date, ISO YYYY-MM-DD
// param: limit int At most this many relationships
// example: {"ids": ["type:icb", "org:nhs-england"], "as_of": "2024-01-01", "limit": 5000}
MATCH (a:Entity)-[r]->(b:Entity)
WHERE a.id IN $ids AND b.id IN $ids
  AND coalesce(r.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(r.valid_to, '9999-12-31')
RETURN r {.*, type: type(r), from: a.id, to: b.id} AS edge
ORDER BY r.id
LIMIT $limit
