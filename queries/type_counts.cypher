// name: type_counts
// description: The cited counts (Count records, COUNT_OF) of each of a list of types that hold in the window: how many bodies a type's row stands for when the graph names fewer of them (a cohort known by a published figure: 63 CCGs with delegated primary care in 2015/16), with the count's evidence.
// window: today
// param: ids list Type ids, e.g. type:ccg-delegated-primary-care
// example: {"ids": ["type:ccg-delegated-primary-care"], "as_of": "2016-01-01"}
MATCH (t:OrganisationType)
WHERE t.id IN $ids
WITH t
MATCH (c:Count)-[r:COUNT_OF]->(t)
WHERE @valid(c)
RETURN t.id AS type_id,
       c {.*, labels: labels(c)} AS count
ORDER BY t.id, c.valid_from, c.id
