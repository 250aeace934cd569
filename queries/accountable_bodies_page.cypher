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
// The shortest chain of each body (its nodes), then the page: nodes and
// node lists are collected, maps only for the page.
WITH x, length(p) AS distance, nodes(p) AS chain
ORDER BY distance
WITH x, collect(chain)[0] AS chain
WITH x, chain
ORDER BY size(chain), toLower(coalesce(x.name, x.id)), x.id
WITH collect(x) AS bodies, collect(chain) AS chains
RETURN size(bodies) AS total,
       [i IN range($offset, CASE WHEN size(bodies) < $offset + $limit THEN size(bodies) ELSE $offset + $limit END - 1) |
        {id: bodies[i].id, name: bodies[i].name, labels: labels(bodies[i]), valid_from: bodies[i].valid_from, valid_to: bodies[i].valid_to,
         status: bodies[i].status, distance: size(chains[i]) - 1, via: [n IN chains[i][1..-1] | n.id]}] AS items
