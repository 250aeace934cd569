// name: budgets
// description: Budgets (amounts of money), optionally only those held by one node and/or for one fiscal year, holding in the window (all time unless narrowed; in_force unless status says otherwise), ordered by fiscal year then amount (largest first). The holder is matched exactly (a budget held by type:ccg is the CCGs' combined allocation, not one CCG's).
// window: always
// param: holder string? Holder node id, e.g. type:ccg
// param: fiscal_year string? Fiscal year like 2017/18
// param: limit int At most this many rows
// param: offset int Skip this many rows first
// example: {"holder": null, "fiscal_year": "2017/18", "limit": 50, "offset": 0}
MATCH (b:Budget)
WHERE ($holder IS NULL OR b.holder = $holder)
  AND ($fiscal_year IS NULL OR b.fiscal_year = $fiscal_year)
  AND @valid(b)
OPTIONAL MATCH (b)-[:HELD_BY]->(h:Entity)
RETURN b {.*} AS budget, h {.id, .name, labels: labels(h)} AS holder
ORDER BY coalesce(b.fiscal_year, ''), b.amount_gbp DESC, b.id
SKIP $offset
LIMIT $limit
