// name: service_lineage
// description: Where a service sits in the service hierarchy in the window: its PART_OF ancestors (nearest first, with distance), and, with include_parts, its PART_OF descendants (with depth, up to 4 levels). Every PART_OF step and service walked must hold in the window. Used to answer for a part with the commissioner of its parent, and to list the commissioners of parts; the service's own record comes with it (`service`: no row when the id is not a service), so the answer needs no read of its own to check it. An answer asks it in one round trip with the facts of the service and its parts (service_commissioners_folded with include_parts), and reads its ancestors' facts only when the service has none of its own.
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
RETURN s {.*, labels: labels(s)} AS service, parts, ancestors
