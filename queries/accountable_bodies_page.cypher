// name: accountable_bodies_page
// description: Who answers to a body, transitively, as a page: every node with a chain of ACCOUNTABLE_TO relationships up to it (types and real bodies; type-level accountability reaches real bodies through derived edges made at ingest), each chain holding in the window (every node and relationship on it), each body once at its shortest distance with the ids of the bodies in between (nearest the answering body first; chains are capped at 8 steps). One row: `total` bodies and the page of `items` from `offset`, ordered by distance, then name (case-insensitive), then id. The engine keeps the shortest chain per body and cuts the page, so an answer reads one page, not every chain.
// window: today
// param: id string The body answered to, e.g. org:nhs-england
// param: limit int At most this many bodies in the page
// param: offset int Skip this many bodies first
// example: {"id": "org:nhs-england", "as_of": "2024-01-01", "limit": 20, "offset": 0}
// From the body answered to (its id index), walking the chains backwards:
// a WITH keeps FalkorDB's planner from starting at a scan of all entities.
MATCH (top:Entity {id: $id})
WITH top
MATCH p = (x:Entity)-[:ACCOUNTABLE_TO*1..8]->(top)
WHERE x.id <> $id
  AND all(r IN relationships(p) WHERE @valid(r))
  AND all(n IN nodes(p) WHERE @valid(n))
WITH x, length(p) AS distance, [n IN nodes(p)[1..-1] | n.id] AS via
ORDER BY distance
WITH x, collect({distance: distance, via: via})[0] AS best
WITH x, best
ORDER BY best.distance, toLower(coalesce(x.name, x.id)), x.id
WITH collect({id: x.id, name: x.name, labels: labels(x), valid_from: x.valid_from, valid_to: x.valid_to, status: x.status,
              distance: best.distance, via: best.via}) AS bodies
RETURN size(bodies) AS total, bodies[$offset..($offset + $limit)] AS items
