// name: entity_statutes
// description: The ESTABLISHED_BY and ABOLISHED_BY relationships of a list of nodes (which Act or policy created or abolished each), over all dates, with evidence.
// param: ids list Node ids
// example: {"ids": ["type:pct", "type:ccg"]}
MATCH (n:Entity)-[r:ESTABLISHED_BY|ABOLISHED_BY]->(st:Entity)
WHERE n.id IN $ids
RETURN n.id AS id, st {.id, .name, labels: labels(st)} AS statute,
       r {.*, type: type(r), from: n.id, to: st.id} AS relationship
ORDER BY n.id, type(r), st.id
