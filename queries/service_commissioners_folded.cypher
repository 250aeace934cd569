// name: service_commissioners_folded
// description: Who commissions each of a list of services in the window, as service_commissioners answers it, except that the facts real bodies inherit from their type (derived COMMISSIONS edges, rule instance-inherits-type) are counted, one row per service, type and basis, instead of listed: those rows have a null commissioner and a relationship {rule, inherited_from, basis, body_count}, and come after the others. At 100,000 organisations a service a type commissions has thousands of inherited rows, each a copy of the type's fact and evidence; counting them in the same pass costs the engine its filter, not a sort and a reply of thousands of rows. service_commissioner_instances lists their ids when they are asked for.
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
WHERE @valid(r)
  AND @valid(c)
WITH svc, c, r, coalesce(r.rule, '') = 'instance-inherits-type' AS inherited
// One pass: a fact of its own is a group of one (its commissioner and
// relationship); the inherited facts group by type and basis (own_c and
// own_r null), counted.
WITH svc,
     CASE WHEN inherited THEN null ELSE c END AS own_c,
     CASE WHEN inherited THEN null ELSE r END AS own_r,
     CASE WHEN inherited THEN r.inherited_from END AS type_id,
     CASE WHEN inherited THEN r.basis END AS type_basis,
     count(*) AS bodies
RETURN svc.id AS service_id,
       CASE WHEN own_c IS NULL THEN null ELSE own_c {.*, labels: labels(own_c)} END AS commissioner,
       CASE WHEN own_r IS NULL THEN {rule: 'instance-inherits-type', inherited_from: type_id, basis: type_basis, body_count: bodies}
            ELSE own_r {.*, type: type(own_r), from: own_c.id, to: svc.id} END AS relationship
ORDER BY toLower(own_c.name), own_c.id, own_r.id
