// name: commissioning_inherited_facts
// description: The COMMISSIONS relationships real bodies inherit from their type (rule instance-inherits-type) into a list of services, of all dates and statuses, one row per service, type and basis, the columns parallel lists (fact i of the row is item i of each; in no particular order): the commissioner's id, the relationship's id, dates, status and whether it is undated (true when the time-and-status rule's undated test excludes it). What a grouped answer counts into the type's row (service_commissioners_folded) without each fact's evidence. Read once per graph build, a page of services at a time, by the commissioning index (nhskg.queries.commissioning). Absent text is '' (no relationship has an empty id, date or status).
// param: ids list Service ids: the facts into these
// example: {"ids": ["service:urgent-and-emergency-care"]}
MATCH (s:Service)
WHERE s.id IN $ids
WITH s
MATCH (c:Entity)-[r:COMMISSIONS]->(s)
WHERE r.rule = 'instance-inherits-type'
RETURN s.id AS service_id,
       r.inherited_from AS type_id,
       r.basis AS basis,
       collect(c.id) AS commissioner_ids,
       collect(r.id) AS ids,
       collect(coalesce(r.valid_from, '')) AS valid_from,
       collect(coalesce(r.valid_to, '')) AS valid_to,
       collect(coalesce(r.status, '')) AS statuses,
       collect(coalesce(r.undated, false) <> false) AS undated
