// name: delegation_steps
// description: Every DELEGATES_TO relationship (derived at ingest from Delegation records; few of them: 10 on the real graph, 24 at 100,000 organisations), each as delegation_paths gives a step (every property, its type and its ends' ids), with both ends' records (every property and labels), by relationship id; at most `limit`. Read once per graph build by the delegation steps held in memory (nhskg.queries.delegation_steps), which answer /paths/delegation; delegation_paths stays the definition.
// param: limit int At most this many relationships
// example: {"limit": 1000}
MATCH (a)-[r:DELEGATES_TO]->(b)
RETURN r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id} AS relationship,
       a {.*, labels: labels(a)} AS from_node,
       b {.*, labels: labels(b)} AS to_node
ORDER BY r.id
LIMIT $limit
