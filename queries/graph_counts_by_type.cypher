// name: graph_counts_by_type
// description: How many relationships there are of each type.
// example: {}
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS count
ORDER BY type
