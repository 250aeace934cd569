// name: relationship_count
// description: How many relationships the graph holds (a count the engines keep: no traversal). The subgraph adjacency reads it first, to keep in memory only a graph no larger than the setting allows.
// example: {}
MATCH ()-[r]->()
RETURN count(r) AS count
