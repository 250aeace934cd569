// name: subgraph_neighbours
// description: One step of a breadth-first walk: the nodes one relationship away (either direction) from a set of nodes, where the relationship and the neighbour are valid on as_of, optionally only neighbours carrying one of the given labels. The API's /subgraph repeats this up to its depth cap.
// param: ids list Node ids of the current frontier
// param: as_of date Landscape date, ISO YYYY-MM-DD
// param: labels list? Only neighbours carrying at least one of these labels; null = any
// param: limit int At most this many neighbours
// example: {"ids": ["type:icb"], "as_of": "2024-01-01", "labels": null, "limit": 500}
MATCH (n:Entity)-[r]-(m:Entity)
WHERE n.id IN $ids
  AND coalesce(r.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(r.valid_to, '9999-12-31')
  AND coalesce(m.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(m.valid_to, '9999-12-31')
  AND ($labels IS NULL OR any(l IN labels(m) WHERE l IN $labels))
WITH DISTINCT m.id AS id
RETURN id
ORDER BY id
LIMIT $limit
