// name: subgraph_neighbours
// description: One step of a breadth-first walk: the nodes one relationship away (either direction) from a set of nodes, where the relationship holds in the window and so does the neighbour, unless the relationship is an event (an Act abolishing a body shows both ends in any window containing its date, even though the body ends that day). Optionally only neighbours carrying one of the given labels. When the cap bites, what the graph states outright comes first (a neighbour reached only through edges derived at ingest, such as a thousand real bodies inheriting their type's accountability, comes last), then types before bodies, then by id.
// window: today
// param: ids list Node ids of the current frontier
// param: labels list? Only neighbours carrying at least one of these labels; null = any
// param: limit int At most this many neighbours
// example: {"ids": ["type:icb"], "as_of": "2024-01-01", "labels": null, "limit": 500}
MATCH (n:Entity)-[r]-(m:Entity)
WHERE n.id IN $ids
  AND @valid(r)
  AND (coalesce(r.event, false) OR @valid(m))
  AND ($labels IS NULL OR any(l IN labels(m) WHERE l IN $labels))
WITH m, min(CASE WHEN coalesce(r.derived, false) THEN 1 ELSE 0 END) AS derived_only
RETURN m.id AS id
ORDER BY derived_only, CASE WHEN 'OrganisationType' IN labels(m) THEN 0 ELSE 1 END, id
LIMIT $limit
