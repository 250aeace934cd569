// name: relationship_get
// description: One relationship by id, any date or status: all its properties (evidence included), its type and the ids of its two ends. No row when the id is unknown.
// param: id string Relationship id, e.g. rel:accountable_to:type:icb:org:nhs-england
// example: {"id": "rel:accountable_to:type:icb:org:nhs-england"}
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.id = $id
RETURN r {.*, type: type(r), from: a.id, to: b.id} AS edge
LIMIT 1
