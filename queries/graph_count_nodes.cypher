// name: graph_count_nodes
// description: How many nodes the graph holds.
// example: {}
MATCH (n)
RETURN count(n) AS count
