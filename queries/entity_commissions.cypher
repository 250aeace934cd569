// name: entity_commissions
// description: The services a body (or a type) commissions in the window: its COMMISSIONS relationships that hold, with the basis (statutory, delegated, joint, co-commissioned, direct), the Delegation record a delegated basis comes from (delegation_id, delegated_by) and, for a real body, the type or cohort whose fact it holds (inherited_from: a type-level fact reaches a body through its dated INSTANCE_OF, a cohort's through its membership). Only the services named by the facts: a service's parts are asked of /services/{id}/commissioners.
// window: today
// param: id string Entity id, e.g. org:ods-02r or type:icb
// param: basis string? Only facts on this basis (statutory, delegated, co-commissioned, direct, joint)
// example: {"id": "type:icb", "basis": null, "as_of": "2024-06-01"}
MATCH (c:Entity {id: $id})-[r:COMMISSIONS]->(s:Service)
WHERE @valid(r)
  AND @valid(s)
  AND ($basis IS NULL OR r.basis = $basis)
RETURN s {.*, labels: labels(s)} AS service,
       r {.*, type: type(r), from: c.id, to: s.id} AS relationship
ORDER BY toLower(s.name), s.id, r.id
