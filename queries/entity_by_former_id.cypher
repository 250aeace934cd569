// name: entity_by_former_id
// description: The entity an earlier id now resolves to (one legal body, one node: the id is in its `former_ids`, e.g. org:nhs-commissioning-board -> org:nhs-england). No row when no entity was known by that id.
// param: id string A former node id, e.g. org:nhs-commissioning-board
// example: {"id": "org:nhs-commissioning-board"}
MATCH (n:Entity)
WHERE $id IN coalesce(n.former_ids, [])
RETURN n.id AS id
