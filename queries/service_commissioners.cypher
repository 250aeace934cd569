// name: service_commissioners
// description: Who commissions each of a list of services in the window: COMMISSIONS relationships that hold (time and status) into the services, from commissioners that hold, with the basis (statutory, delegated, co-commissioned, ...). Type-level commissioning reaches real bodies through derived edges made at ingest (derived, inherited_from; quantifier all only), delegated commissioning through edges derived from Delegation records (delegation_id). The hierarchy rule (a part answered by its parent's commissioner unless something more specific covers it) is applied by nhskg.queries.answers over service_lineage. With fold, a row a real body inherits from its type (rule instance-inherits-type) comes back short, `folded: true`: the commissioner's id and the relationship's id, rule, inherited_from and basis, which is all it takes to fold it into its type's row (a service commissioned by a type has a row per body, each a copy of the type's fact and evidence).
// window: today
// param: ids list Service ids
// param: fold bool? true: inherited rows come back short (folded: true); null or false: every row in full
// example: {"ids": ["service:urgent-and-emergency-care"], "as_of": "2016-06-01", "fold": null}
MATCH (svc:Service)
WHERE svc.id IN $ids
// From the services (their id index), not from every commissioner: a WITH
// keeps FalkorDB's planner from starting at a scan of all entities.
WITH svc
MATCH (c:Entity)-[r:COMMISSIONS]->(svc)
WHERE @valid(r)
  AND @valid(c)
WITH svc, c, r, coalesce($fold, false) AND coalesce(r.rule, '') = 'instance-inherits-type' AS short
// The full record only where it is wanted. A one-item list comprehension,
// not CASE: FalkorDB evaluates every branch of a CASE, so each short row
// would still pay for the full map projection it then throws away.
RETURN svc.id AS service_id,
       head([x IN [c] WHERE NOT short | x {.*, labels: labels(x)}] + [{id: c.id}]) AS commissioner,
       head([x IN [r] WHERE NOT short | x {.*, type: type(x), from: c.id, to: svc.id}]
            + [{id: r.id, rule: r.rule, inherited_from: r.inherited_from, basis: r.basis, folded: true}]) AS relationship
ORDER BY toLower(c.name), c.id, r.id
