// name: delegations_out
// description: Delegation records in which a body (or type) delegates a function, holding in the window. A body that is an INSTANCE_OF a type (the INSTANCE_OF relationship and the type holding in the window) also sees the type's delegations, flagged with via_type. The node, the delegation record and its DELEGATED_BY / DELEGATED_TO relationships must all hold in the window (time and status: a delayed or planned delegation appears only when its status is asked for).
// window: today
// param: id string The node id, e.g. org:nhs-england
// example: {"id": "org:nhs-england", "as_of": "2024-01-01"}
MATCH (n:Entity {id: $id})
WHERE @valid(n)
OPTIONAL MATCH (n)-[i:INSTANCE_OF]->(t:Entity)
WHERE @valid(i) AND @valid(t)
WITH n, collect(t) AS types
UNWIND [n] + types AS holder
MATCH (holder)<-[ra:DELEGATED_BY]-(d:Delegation)-[rb:DELEGATED_TO]->(other:Entity)
WHERE @valid(d) AND @valid(ra) AND @valid(rb) AND @valid(other)
RETURN d {.*} AS delegation,
       CASE WHEN holder.id = n.id THEN null ELSE holder.id END AS via_type
ORDER BY d.valid_from, d.id
