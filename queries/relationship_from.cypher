// name: relationship_from
// description: One relationship by id, found from its start node (a lookup through the node id index, not a scan of every relationship): all its properties (evidence included), its type and the ids of its two ends. No row when the start node has no such relationship.
// param: id string Relationship id, e.g. rel:accountable_to:type:icb:org:nhs-england
// param: start string Id of its start node, e.g. type:icb
// example: {"id": "rel:accountable_to:type:icb:org:nhs-england", "start": "type:icb"}
MATCH (a:Entity {id: $start})-[r]->(b:Entity)
WHERE r.id = $id
RETURN r {.*, type: type(r), from: a.id, to: b.id} AS edge
LIMIT 1
