// name: entity_latest_budget
// description: The latest in-force budget a node holds itself (a Budget HELD_BY it): the latest fiscal year (a multi-year total by its start date), the largest amount of that year first; no row when it holds none. For a type, its own rows (totals across the type), not its instances'; the rest are at /budgets?holder=.
// param: id string Node id, e.g. org:nhs-england
// example: {"id": "org:nhs-england"}
MATCH (b:Budget)-[:HELD_BY]->(n:Entity {id: $id})
WHERE coalesce(b.status, 'in_force') = 'in_force'
  AND coalesce(b.undated, false) = false
RETURN b {.*} AS budget, n.name AS holder_name
ORDER BY coalesce(b.fiscal_year, b.valid_from, '') DESC, b.amount_gbp DESC, b.id
LIMIT 1
