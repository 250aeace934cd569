// name: service_commissioning_dates
// description: The days on which the commissioning of any of a list of services can change: the start and end dates of COMMISSIONS relationships into them and of their commissioners, and of the PART_OF links among them, holding in the window (all time unless narrowed). Used to cut a service's commissioning timeline into intervals.
// window: always
// param: ids list Service ids (a service and its ancestors)
// example: {"ids": ["service:dental-services", "service:primary-care"]}
MATCH (c:Entity)-[r:COMMISSIONS|PART_OF]->(s:Entity)
WHERE s.id IN $ids
  AND @valid(r)
UNWIND [r.valid_from, r.valid_to, c.valid_from, c.valid_to] AS day
WITH day WHERE day IS NOT NULL
RETURN DISTINCT day
ORDER BY day
