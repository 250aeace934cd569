// name: subgraph_edge_briefs
// description: Every relationship holding in the window whose two ends are both in a set of nodes (the edges of an induced subgraph), as briefs: id, type, ends, dates, status, source ids, and the derived / event / date / quantifier flags when set. The full record with its evidence is relationship_get (GET /relationships/{id}).
// window: today
// param: ids list Node ids
// param: limit int At most this many relationships
// example: {"ids": ["type:icb", "org:nhs-england"], "as_of": "2024-01-01", "limit": 5000}
MATCH (a:Entity)-[r]->(b:Entity)
WHERE a.id IN $ids AND b.id IN $ids
  AND @valid(r)
RETURN r {.id, .valid_from, .valid_to, .status, .source_ids, .derived, .event, .date, .quantifier, type: type(r), from: a.id, to: b.id} AS edge
ORDER BY r.id
LIMIT $limit
