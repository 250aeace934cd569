// name: accountable_bodies
// description: Who answers to a body, transitively: every node with a chain of ACCOUNTABLE_TO relationships up to it (types and real bodies; type-level accountability reaches real bodies through derived edges made at ingest), each chain holding in the window (every node and relationship on it). One row per chain, with the ids of the bodies in between (nearest the answering body first); chains are capped at 8 steps; at most `limit` rows (ask for one more to learn whether there are more).
// window: today
// param: id string The body answered to, e.g. org:nhs-england
// param: limit int At most this many chains
// example: {"id": "org:nhs-england", "as_of": "2024-01-01", "limit": 20001}
MATCH p = (x:Entity)-[:ACCOUNTABLE_TO*1..8]->(top:Entity {id: $id})
WHERE x.id <> $id
  AND all(r IN relationships(p) WHERE @valid(r))
  AND all(n IN nodes(p) WHERE @valid(n))
RETURN x.id AS id, x.name AS name, labels(x) AS labels, x.valid_from AS valid_from, x.valid_to AS valid_to, x.status AS status,
       length(p) AS distance,
       [n IN nodes(p)[1..-1] | n.id] AS via
ORDER BY distance, id
LIMIT $limit
