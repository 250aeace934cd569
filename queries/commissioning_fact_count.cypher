// name: commissioning_fact_count
// description: How many COMMISSIONS relationships the graph holds (a count the engines keep by type: no traversal). The commissioning index reads it first, to keep in memory only a graph with no more commissioning facts than the setting allows.
// example: {}
MATCH ()-[r:COMMISSIONS]->()
RETURN count(r) AS count
