// name: entity_briefs
// description: Short records (id, name, labels, dates, status) for a list of node ids; unknown ids are skipped.
// param: ids list Node ids
// example: {"ids": ["org:nhs-england", "type:icb"]}
MATCH (n:Entity)
WHERE n.id IN $ids
RETURN n.id AS id, n.name AS name, labels(n) AS labels, n.valid_from AS valid_from, n.valid_to AS valid_to, n.status AS status
