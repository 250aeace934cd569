// name: service_commissioners
// description: Who commissions each of a list of services in the window: COMMISSIONS relationships that hold (time and status) into the services, from commissioners that hold, with the basis (statutory, delegated, co-commissioned, ...). Type-level commissioning reaches real bodies through derived edges made at ingest (derived, inherited_from; quantifier all only), delegated commissioning through edges derived from Delegation records (delegation_id). The hierarchy rule (a part answered by its parent's commissioner unless something more specific covers it) is applied by nhskg.queries.hierarchy over service_lineage. service_commissioners_folded gives the same answer with the rows real bodies inherit from their type counted by type.
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
RETURN svc.id AS service_id,
       c {.*, labels: labels(c)} AS commissioner,
       r {.*, type: type(r), from: c.id, to: svc.id} AS relationship
ORDER BY toLower(c.name), c.id, r.id
