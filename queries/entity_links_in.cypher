// name: entity_links_in
// description: The ids of the entities with a relationship of type rel (INSTANCE_OF or PART_OF) to the entity target that holds in the window: the instance_of and part_of filters of /entities when the search directory answers it (nhskg.queries.directory), as entity_search applies them.
// window: always
// param: target string The entity linked to, e.g. type:icb
// param: rel string The relationship type: INSTANCE_OF or PART_OF
// example: {"target": "type:icb", "rel": "INSTANCE_OF", "as_of": "2023-01-01"}
MATCH (t:Entity {id: $target})<-[r]-(n:Entity)
WHERE type(r) = $rel AND @valid(r)
RETURN collect(DISTINCT n.id) AS ids
