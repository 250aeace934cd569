// name: entity_neighbour_counts
// description: How many relationships of each type touch a node, by direction (out = the node is the start), over all dates.
// param: id string Node id
// example: {"id": "type:icb"}
MATCH (n:Entity {id: $id})-[r]->(:Entity)
RETURN type(r) AS type, 'out' AS direction, count(r) AS count
UNION ALL
MATCH (n:Entity {id: $id})<-[r]-(:Entity)
RETURN type(r) AS type, 'in' AS direction, count(r) AS count
