// name: service_commissioner_instances
// description: The real bodies that commission each of a list of services in the window through a fact they inherit from their type (derived COMMISSIONS edges, rule instance-inherits-type), one row per service, type and basis, the bodies ordered as service_commissioners orders its rows: what a grouped answer folds into the type's row (`instances`). At 100,000 organisations a service a type commissions has thousands of such rows; as lists of ids they are one row a type.
// window: today
// param: ids list Service ids
// param: include_parts bool? Also each service's parts that hold in the window (PART_OF descendants up to 4 levels, as service_lineage lists them)
// example: {"ids": ["service:urgent-and-emergency-care"], "as_of": "2016-06-01"}
MATCH (top:Service)
WHERE top.id IN $ids
// From the services (their id index), not from every commissioner: a WITH
// keeps FalkorDB's planner from starting at a scan of all entities.
WITH top
// With include_parts, each service's parts too, as service_lineage finds
// them (every PART_OF step and service on the way holds in the window), so
// an answer reads its parts' facts in the same round trip as the lineage.
MATCH down = (svc:Service)-[:PART_OF*0..4]->(top)
WHERE length(down) = 0
   OR (coalesce($include_parts, false)
       AND all(step IN relationships(down) WHERE @valid(step))
       AND all(x IN nodes(down) WHERE @valid(x)))
WITH DISTINCT svc
MATCH (c:Entity)-[r:COMMISSIONS]->(svc)
WHERE r.rule = 'instance-inherits-type'
  AND @valid(r)
  AND @valid(c)
WITH svc, c, r
ORDER BY toLower(c.name), c.id, r.id
RETURN svc.id AS service_id, r.inherited_from AS type_id, r.basis AS basis, collect(c.id) AS instances
