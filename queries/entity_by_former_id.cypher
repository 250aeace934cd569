// name: entity_by_former_id
// description: The entity another id resolves to: an earlier id (one legal body, one node: the id is in its `former_ids`, e.g. org:nhs-commissioning-board -> org:nhs-england) or the register pattern id `org:ods-<code>` of a curated body that keeps its own id (its `register_id`, e.g. org:ods-09y -> org:nws-ccg). No row when no entity is known by that id.
// param: id string A former or register pattern id, e.g. org:nhs-commissioning-board, org:ods-09y
// example: {"id": "org:nhs-commissioning-board"}
MATCH (n:Entity)
WHERE $id IN coalesce(n.former_ids, []) OR n.register_id = $id
RETURN n.id AS id
