// name: delegations_in
// description: Delegation records in which a body (or type) receives a function, valid on a date. A body that is an INSTANCE_OF a type (the INSTANCE_OF relationship and the type valid on as_of) also sees delegations made to the type (e.g. an ICB sees NHS England's delegation to ICBs), flagged with via_type. The node, the delegation record and its DELEGATED_BY / DELEGATED_TO relationships must all be valid on as_of; status is returned, not filtered.
// param: id string The receiving node id, e.g. type:icb
// param: as_of date Landscape date, ISO YYYY-MM-DD
// example: {"id": "type:icb", "as_of": "2024-01-01"}
MATCH (n:Entity {id: $id})
WHERE coalesce(n.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(n.valid_to, '9999-12-31')
OPTIONAL MATCH (n)-[i:INSTANCE_OF]->(t:Entity)
WHERE coalesce(i.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(i.valid_to, '9999-12-31')
  AND coalesce(t.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(t.valid_to, '9999-12-31')
WITH n, collect(t) AS types
UNWIND [n] + types AS holder
MATCH (holder)<-[rt:DELEGATED_TO]-(d:Delegation)-[rb:DELEGATED_BY]->(other:Entity)
WHERE coalesce(d.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(d.valid_to, '9999-12-31')
  AND coalesce(rb.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(rb.valid_to, '9999-12-31')
  AND coalesce(rt.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(rt.valid_to, '9999-12-31')
  AND coalesce(other.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(other.valid_to, '9999-12-31')
RETURN d {.*} AS delegation,
       CASE WHEN holder.id = n.id THEN null ELSE holder.id END AS via_type
ORDER BY d.valid_from, d.id
