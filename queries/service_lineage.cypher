// name: service_lineage
// description: Where a service sits in the service hierarchy in the window: its PART_OF ancestors (nearest first, with distance), and, with include_parts, its PART_OF descendants (with depth, up to 4 levels). Every PART_OF step and service walked must hold in the window. Used to answer for a part with the commissioner of its parent, and to list the commissioners of parts; the service's own record comes with it (`service`: no row when the id is not a service), so the answer needs no read of its own to check it; and whether any COMMISSIONS fact into the service holds in the window (`commissioned`), so the facts of its ancestors are read in the same query as its own when they answer for it.
// window: today
// param: id string Service id, e.g. service:dental-services
// param: include_parts bool Also list the service's parts
// example: {"id": "service:dental-services", "as_of": "2020-01-01", "include_parts": true}
MATCH (s:Service {id: $id})
OPTIONAL MATCH down = (part:Service)-[:PART_OF*1..4]->(s)
WHERE $include_parts
  AND all(r IN relationships(down) WHERE @valid(r))
  AND all(x IN nodes(down) WHERE @valid(x))
WITH s, collect(DISTINCT CASE WHEN part IS NULL THEN null ELSE {id: part.id, name: part.name, depth: length(down)} END) AS parts
OPTIONAL MATCH up = (s)-[:PART_OF*1..6]->(anc:Service)
WHERE all(r IN relationships(up) WHERE @valid(r))
  AND all(x IN nodes(up) WHERE @valid(x))
WITH s, parts,
     collect(DISTINCT CASE WHEN anc IS NULL THEN null ELSE {id: anc.id, name: anc.name, distance: length(up)} END) AS ancestors
// Whether the service is commissioned in the window at all (its ancestors
// answer for it when not): the first fact that holds is enough.
OPTIONAL MATCH (c:Entity)-[r:COMMISSIONS]->(s)
WHERE @valid(r)
  AND @valid(c)
WITH s, parts, ancestors, r
LIMIT 1
RETURN s {.*, labels: labels(s)} AS service, parts, ancestors, r IS NOT NULL AS commissioned
