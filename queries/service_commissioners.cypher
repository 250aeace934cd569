// name: service_commissioners
// description: Who commissions a service on a date: COMMISSIONS relationships valid on as_of into the service, from commissioners valid on as_of, with the basis (statutory, delegated, co-commissioned, ...). Type-level commissioning reaches instances through derived edges made at ingest (derived, inherited_from), delegated commissioning through edges derived from Delegation records (delegation_id). The hierarchy is followed downwards only: with include_parts, commissioners of the service's PART_OF descendants (up to 4 levels, every PART_OF step and service valid on as_of) are listed too, with via naming the part they commission. A commissioner of a parent service is never reported as commissioning its parts unless a COMMISSIONS relationship says so.
// param: id string Service id, e.g. service:urgent-and-emergency-care
// param: as_of date Landscape date, ISO YYYY-MM-DD
// param: include_parts bool Also list commissioners of the service's parts, flagged with via
// example: {"id": "service:public-health", "as_of": "2015-01-01", "include_parts": true}
MATCH p = (part:Service)-[:PART_OF*0..4]->(s:Service {id: $id})
WHERE ($include_parts OR part.id = $id)
  AND all(r IN relationships(p) WHERE coalesce(r.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(r.valid_to, '9999-12-31'))
  AND all(x IN nodes(p) WHERE coalesce(x.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(x.valid_to, '9999-12-31'))
MATCH (c:Entity)-[r:COMMISSIONS]->(part)
WHERE coalesce(r.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(r.valid_to, '9999-12-31')
  AND coalesce(c.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(c.valid_to, '9999-12-31')
RETURN c {.*, labels: labels(c)} AS commissioner,
       r {.*, type: type(r), from: c.id, to: part.id} AS relationship,
       CASE WHEN part.id = $id THEN null ELSE part {.id, .name} END AS via,
       length(p) AS depth
ORDER BY depth, toLower(c.name), c.id
