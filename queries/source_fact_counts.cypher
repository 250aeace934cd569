// name: source_fact_counts
// description: For every source id, how many nodes and how many relationships cite it (derived relationships, which only repeat evidence, are not counted).
// example: {}
MATCH (n:Entity)
UNWIND coalesce(n.source_ids, []) AS sid
RETURN sid AS source_id, 'node' AS kind, count(*) AS count
UNION ALL
MATCH (:Entity)-[r]->(:Entity)
WHERE coalesce(r.derived, false) = false
UNWIND coalesce(r.source_ids, []) AS sid
RETURN sid AS source_id, 'relationship' AS kind, count(*) AS count
