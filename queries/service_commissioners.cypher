// name: service_commissioners
// description: Who commissions each of a list of services in the window: COMMISSIONS relationships that hold (time and status) into the services, from commissioners that hold, with the basis (statutory, delegated, co-commissioned, ...). Type-level commissioning reaches real bodies through derived edges made at ingest (derived, inherited_from; quantifier all only), delegated commissioning through edges derived from Delegation records (delegation_id). The hierarchy rule (a part answered by its parent's commissioner unless something more specific covers it) is applied by nhskg.queries.answers over service_lineage. With fold, the rows real bodies inherit from their type (rule instance-inherits-type) are left out: service_commissioner_instances gives their bodies by type, to fold into the type's row (a service a type commissions has a row per body, each a copy of the type's fact and evidence).
// window: today
// param: ids list Service ids
// param: fold bool? true: leave out the rows bodies inherit from their type; null or false: every row
// example: {"ids": ["service:urgent-and-emergency-care"], "as_of": "2016-06-01", "fold": null}
MATCH (svc:Service)
WHERE svc.id IN $ids
// From the services (their id index), not from every commissioner: a WITH
// keeps FalkorDB's planner from starting at a scan of all entities.
WITH svc
MATCH (c:Entity)-[r:COMMISSIONS]->(svc)
// The rule first: FalkorDB stops at the first false condition, and most of a
// big service's rows are the inherited ones fold leaves out.
WHERE NOT (coalesce($fold, false) AND coalesce(r.rule, '') = 'instance-inherits-type')
  AND @valid(r)
  AND @valid(c)
RETURN svc.id AS service_id,
       c {.*, labels: labels(c)} AS commissioner,
       r {.*, type: type(r), from: c.id, to: svc.id} AS relationship
ORDER BY toLower(c.name), c.id, r.id
