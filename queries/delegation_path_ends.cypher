// name: delegation_path_ends
// description: What delegation_paths matches its ends and steps against, in the window: `covering`, the service and its PART_OF ancestors (every PART_OF step and service on the way holding); `froms`, the delegator and the types it is an INSTANCE_OF; `tos`, the delegate and its types (the INSTANCE_OF relationship and the type holding). A list starts with the id asked for (null when none was). The delegation steps held in memory (nhskg.queries.delegation_steps) walk /paths/delegation with these; delegation_paths, which begins the same way, stays the definition.
// window: today
// param: delegator string? Delegating node id (statutory holder), e.g. org:nhs-england
// param: delegate string? Receiving node id, e.g. type:icb or an ICB
// param: service string? Service id the function concerns, e.g. service:dental-services
// example: {"delegator": "org:nhs-england", "delegate": "org:nhs-cheshire-and-merseyside-icb", "service": "service:dental-services", "as_of": "2024-01-01"}
OPTIONAL MATCH sp = (svc:Service {id: coalesce($service, '')})-[:PART_OF*1..6]->(anc:Service)
// An id left out is looked up as '' (no node's id), as in delegation_paths.
WHERE all(r IN relationships(sp) WHERE @valid(r))
  AND all(x IN nodes(sp) WHERE @valid(x))
WITH [$service] + collect(anc.id) AS covering
OPTIONAL MATCH (fi:Entity {id: coalesce($delegator, '')})
WITH covering, fi
OPTIONAL MATCH (fi)-[fr:INSTANCE_OF]->(ft:Entity)
WHERE @valid(fr) AND @valid(ft)
WITH covering, [$delegator] + collect(ft.id) AS froms
OPTIONAL MATCH (ti:Entity {id: coalesce($delegate, '')})
WITH covering, froms, ti
OPTIONAL MATCH (ti)-[tr:INSTANCE_OF]->(tt:Entity)
WHERE @valid(tr) AND @valid(tt)
RETURN covering, froms, [$delegate] + collect(tt.id) AS tos
