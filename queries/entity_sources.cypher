// name: entity_sources
// description: Source documents (metadata) a node cites (its source_ids), by id; unknown ids are skipped. The same rows as sources_by_ids with the node's source_ids, without first reading the node.
// param: id string Node id, e.g. type:icb
// example: {"id": "type:icb"}
MATCH (n:Entity {id: $id})
UNWIND n.source_ids AS source_id
MATCH (s:Source {id: source_id})
WITH DISTINCT s
RETURN s {.*} AS source
ORDER BY s.id
