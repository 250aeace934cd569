// name: graph_counts_by_label
// description: How many nodes carry each label (a node with several labels counts under each).
// example: {}
MATCH (n)
UNWIND labels(n) AS label
RETURN label, count(*) AS count
ORDER BY label
