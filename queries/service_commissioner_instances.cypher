// name: service_commissioner_instances
// description: The real bodies that commission each of a list of services in the window through a fact they inherit from their type (derived COMMISSIONS edges, rule instance-inherits-type), one row per service, type and basis, the bodies ordered as service_commissioners orders its rows: what a grouped answer folds into the type's row (`instances`). At 100,000 organisations a service a type commissions has thousands of such rows; as lists of ids they are one row a type.
// window: today
// param: ids list Service ids
// example: {"ids": ["service:urgent-and-emergency-care"], "as_of": "2016-06-01"}
MATCH (svc:Service)
WHERE svc.id IN $ids
WITH svc
MATCH (c:Entity)-[r:COMMISSIONS]->(svc)
WHERE r.rule = 'instance-inherits-type'
  AND @valid(r)
  AND @valid(c)
WITH svc, c, r
ORDER BY toLower(c.name), c.id, r.id
RETURN svc.id AS service_id, r.inherited_from AS type_id, r.basis AS basis, collect(c.id) AS instances
