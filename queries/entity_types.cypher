// name: entity_types
// description: The types each of these entities is an INSTANCE_OF at any time (any status), for grouping a list of bodies by type: /changes folds a type's instances under the type-level change and filters by instance_of. Unknown ids and entities of no type are left out.
// param: ids list Node ids
// example: {"ids": ["org:ods-09y", "org:nhs-england"]}
MATCH (n:Entity)-[:INSTANCE_OF]->(t:Entity)
WHERE n.id IN $ids
RETURN n.id AS id, collect(DISTINCT t.id) AS types
