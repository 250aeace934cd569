// name: entity_get
// description: One node by id: all its properties and labels. No row when the id is unknown.
// param: id string Node id, e.g. org:nhs-england
// example: {"id": "org:nhs-england"}
MATCH (n:Entity {id: $id})
RETURN n {.*} AS properties, labels(n) AS labels
