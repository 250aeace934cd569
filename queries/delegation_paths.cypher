// name: delegation_paths
// description: How a function travels by delegation: chains of DELEGATES_TO relationships (derived at ingest from Delegation records) valid on a date, each step carrying its delegation id, services, power and who stays accountable. from / to match the node itself or a type it is an INSTANCE_OF on as_of. With service, every step must cover it: the service or one of its PART_OF ancestors (on as_of) is in the step's services. An open end is maximal: without from, a chain starts where no qualifying delegation comes in; without to, it ends where none goes out. Every node and relationship walked must be valid on as_of. Chains are capped at 6 steps.
// param: from string? Delegating node id (statutory holder), e.g. org:nhs-england
// param: to string? Receiving node id, e.g. type:icb or an ICB
// param: service string? Service id the function concerns, e.g. service:dental-services
// param: as_of date Landscape date, ISO YYYY-MM-DD
// example: {"from": "org:nhs-england", "to": null, "service": "service:dental-services", "as_of": "2024-01-01"}
OPTIONAL MATCH sp = (svc:Service {id: $service})-[:PART_OF*1..6]->(anc:Service)
WHERE all(r IN relationships(sp) WHERE coalesce(r.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(r.valid_to, '9999-12-31'))
  AND all(x IN nodes(sp) WHERE coalesce(x.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(x.valid_to, '9999-12-31'))
WITH [$service] + collect(anc.id) AS covering
OPTIONAL MATCH (fi:Entity {id: $from})-[fr:INSTANCE_OF]->(ft:Entity)
WHERE coalesce(fr.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(fr.valid_to, '9999-12-31')
  AND coalesce(ft.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(ft.valid_to, '9999-12-31')
WITH covering, [$from] + collect(ft.id) AS froms
OPTIONAL MATCH (ti:Entity {id: $to})-[tr:INSTANCE_OF]->(tt:Entity)
WHERE coalesce(tr.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(tr.valid_to, '9999-12-31')
  AND coalesce(tt.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(tt.valid_to, '9999-12-31')
WITH covering, froms, [$to] + collect(tt.id) AS tos
MATCH p = (a:Entity)-[:DELEGATES_TO*1..6]->(b:Entity)
WHERE ($from IS NULL OR a.id IN froms)
  AND ($to IS NULL OR b.id IN tos)
  AND all(r IN relationships(p) WHERE coalesce(r.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(r.valid_to, '9999-12-31')
          AND ($service IS NULL OR any(s IN coalesce(r.services, []) WHERE s IN covering)))
  AND all(x IN nodes(p) WHERE coalesce(x.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(x.valid_to, '9999-12-31'))
WITH p, a, b,
     size([(a)<-[inr:DELEGATES_TO]-(z:Entity)
           WHERE coalesce(inr.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(inr.valid_to, '9999-12-31')
             AND coalesce(z.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(z.valid_to, '9999-12-31')
             AND ($service IS NULL OR any(s IN coalesce(inr.services, []) WHERE s IN covering)) | inr]) AS incoming,
     size([(b)-[outr:DELEGATES_TO]->(y:Entity)
           WHERE coalesce(outr.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(outr.valid_to, '9999-12-31')
             AND coalesce(y.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(y.valid_to, '9999-12-31')
             AND ($service IS NULL OR any(s IN coalesce(outr.services, []) WHERE s IN covering)) | outr]) AS outgoing
WHERE ($from IS NOT NULL OR incoming = 0)
  AND ($to IS NOT NULL OR outgoing = 0)
RETURN [x IN nodes(p) | x {.*, labels: labels(x)}] AS nodes,
       [r IN relationships(p) | r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id}] AS relationships
ORDER BY length(p), a.id, b.id
LIMIT 200
