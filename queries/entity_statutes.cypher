// name: entity_statutes
// description: The ESTABLISHED_BY and ABOLISHED_BY events of a list of nodes (which Act or policy created or abolished each, and when), holding in the window (all time unless narrowed), with the statute's brief and evidence.
// window: always
// param: ids list Node ids
// example: {"ids": ["type:pct", "type:ccg"]}
MATCH (n:Entity)-[r:ESTABLISHED_BY|ABOLISHED_BY]->(st:Entity)
WHERE n.id IN $ids AND @valid(r)
RETURN n.id AS id, st {.id, .name, .valid_from, .valid_to, .status, labels: labels(st)} AS statute,
       r {.*, type: type(r), from: n.id, to: st.id} AS relationship
ORDER BY n.id, type(r), st.id
