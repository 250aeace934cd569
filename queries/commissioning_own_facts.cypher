// name: commissioning_own_facts
// description: Every COMMISSIONS relationship into a service that is not a copy a real body inherits from its type (rule instance-inherits-type), in full, of all dates and statuses: the service, the commissioner's id and the relationship with every property. Read once per graph build by the commissioning index (nhskg.queries.commissioning), which answers /services/{id}/commissioners in memory; service_commissioners and service_commissioners_folded stay the definition. A few hundred rows, even at 100,000 organisations.
// example: {}
MATCH (c:Entity)-[r:COMMISSIONS]->(s:Service)
WHERE coalesce(r.rule, '') <> 'instance-inherits-type'
RETURN s.id AS service_id,
       c.id AS commissioner_id,
       r {.*, type: type(r), from: c.id, to: s.id} AS relationship
