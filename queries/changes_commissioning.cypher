// name: changes_commissioning
// description: COMMISSIONS relationships that start or end in the window (valid_from or valid_to falls in [from, to); all time unless narrowed), with status in the asked statuses: the commissioning of a service moving between bodies. Authored edges and those derived from Delegation records; not the copies real bodies inherit from their type.
// window: always
// example: {"from": "2023-04-01", "to": "2023-04-02"}
MATCH (c:Entity)-[r:COMMISSIONS]->(s:Service)
WHERE r.inherited_from IS NULL
  AND coalesce(r.status, 'in_force') IN $statuses
  AND coalesce(r.undated, false) = false
  AND (($from_date <= r.valid_from AND r.valid_from < $to_date)
       OR ($from_date <= r.valid_to AND r.valid_to < $to_date))
RETURN s {.id, .name, .valid_from, .valid_to, labels: labels(s)} AS service,
       c {.id, .name, .valid_from, .valid_to, labels: labels(c)} AS commissioner,
       r {.*, type: type(r), from: c.id, to: s.id} AS relationship
ORDER BY s.id, c.id, r.id
