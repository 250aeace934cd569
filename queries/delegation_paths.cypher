// name: delegation_paths
// description: How a function travels by delegation: chains of DELEGATES_TO relationships (derived at ingest from Delegation records) that hold in the window, each step carrying its delegation id, services, power and who stays accountable. delegator / delegate match the node itself or a type it is an INSTANCE_OF in the window. With service, every step must cover it: the service or one of its PART_OF ancestors is in the step's services. An open end is maximal: without delegator, a chain starts where no qualifying delegation comes in; without delegate, it ends where none goes out. Every node and relationship walked must hold in the window. Chains are capped at 6 steps, shortest first, then by holder id, body id and the steps' relationship ids; at most `limit` chains (ask for one more to learn whether there are more).
// window: today
// param: delegator string? Delegating node id (statutory holder), e.g. org:nhs-england
// param: delegate string? Receiving node id, e.g. type:icb or an ICB
// param: service string? Service id the function concerns, e.g. service:dental-services
// param: limit int At most this many chains
// example: {"delegator": "org:nhs-england", "delegate": null, "service": "service:dental-services", "as_of": "2024-01-01", "limit": 201}
OPTIONAL MATCH sp = (svc:Service {id: coalesce($service, '')})-[:PART_OF*1..6]->(anc:Service)
// An id left out is looked up as '' (no node's id): FalkorDB looks a null
// up by scanning every node of the label, a value through the id index.
WHERE all(r IN relationships(sp) WHERE @valid(r))
  AND all(x IN nodes(sp) WHERE @valid(x))
WITH [$service] + collect(anc.id) AS covering
OPTIONAL MATCH (fi:Entity {id: coalesce($delegator, '')})
// Each end is found by its id first (a WITH between), then its types: in one
// pattern FalkorDB's planner scanned every entity for the type end instead.
WITH covering, fi
OPTIONAL MATCH (fi)-[fr:INSTANCE_OF]->(ft:Entity)
WHERE @valid(fr) AND @valid(ft)
WITH covering, [$delegator] + collect(ft.id) AS froms
OPTIONAL MATCH (ti:Entity {id: coalesce($delegate, '')})
WITH covering, froms, ti
OPTIONAL MATCH (ti)-[tr:INSTANCE_OF]->(tt:Entity)
WHERE @valid(tr) AND @valid(tt)
WITH covering, froms, [$delegate] + collect(tt.id) AS tos
MATCH p = (a:Entity)-[:DELEGATES_TO*1..6]->(b:Entity)
WHERE ($delegator IS NULL OR a.id IN froms)
  AND ($delegate IS NULL OR b.id IN tos)
  AND all(r IN relationships(p) WHERE @valid(r)
          AND ($service IS NULL OR any(s IN coalesce(r.services, []) WHERE s IN covering)))
  AND all(x IN nodes(p) WHERE @valid(x))
WITH p, a, b, [r IN relationships(p) | r.id] AS step_ids,
     size([(a)<-[inr:DELEGATES_TO]-(z:Entity)
           WHERE @valid(inr) AND @valid(z)
             AND ($service IS NULL OR any(s IN coalesce(inr.services, []) WHERE s IN covering)) | inr]) AS incoming,
     size([(b)-[outr:DELEGATES_TO]->(y:Entity)
           WHERE @valid(outr) AND @valid(y)
             AND ($service IS NULL OR any(s IN coalesce(outr.services, []) WHERE s IN covering)) | outr]) AS outgoing
WHERE ($delegator IS NOT NULL OR incoming = 0)
  AND ($delegate IS NOT NULL OR outgoing = 0)
RETURN [x IN nodes(p) | x {.*, labels: labels(x)}] AS nodes,
       [r IN relationships(p) | r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id}] AS relationships
// Chains of one length between the same two bodies (one delegator passing
// several records to a type) are ordered by their relationship ids: without
// that their order was whatever the engine's sort left (it differed by window).
ORDER BY length(p), a.id, b.id, step_ids
LIMIT $limit
