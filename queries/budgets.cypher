// name: budgets
// description: Budgets (amounts of money), optionally only those whose name, description, wording or holder name contains q (case-insensitive), held by a holder, and/or for one fiscal year, holding in the window (all time unless narrowed; in_force unless status says otherwise), ordered by fiscal year (a multi-year total by its start date) then amount (largest first). A holder matches its own budgets, those of the types it is an INSTANCE_OF in the window (a CCG sees the CCGs' combined allocation, held by type:ccg), and, for a type, those of its instances.
// window: always
// param: q string? Text to look for in the budget's name, description, wording and holder name
// param: holder string? Holder node id, e.g. type:ccg or a real body
// param: fiscal_year string? Fiscal year like 2017/18
// param: limit int At most this many rows
// param: offset int Skip this many rows first
// example: {"q": null, "holder": null, "fiscal_year": "2017/18", "limit": 50, "offset": 0}
OPTIONAL MATCH (hn:Entity {id: coalesce($holder, '')})-[hi:INSTANCE_OF]-(ht:Entity)
// No holder is looked up as '' (no node's id), through the id index: a null
// is looked up by scanning every entity.
WHERE @valid(hi)
WITH [$holder] + collect(ht.id) AS holders
MATCH (b:Budget)
WHERE ($holder IS NULL OR b.holder IN holders)
  AND ($fiscal_year IS NULL OR b.fiscal_year = $fiscal_year)
  AND @valid(b)
OPTIONAL MATCH (b)-[:HELD_BY]->(h:Entity)
WITH b, h
WHERE $q IS NULL
   OR toLower(coalesce(b.name, '')) CONTAINS toLower($q)
   OR toLower(coalesce(b.description, '')) CONTAINS toLower($q)
   OR toLower(coalesce(b.original_text, '')) CONTAINS toLower($q)
   OR toLower(coalesce(h.name, '')) CONTAINS toLower($q)
RETURN b {.*} AS budget, h {.id, .name, labels: labels(h)} AS holder
ORDER BY coalesce(b.fiscal_year, b.valid_from, ''), b.amount_gbp DESC, b.id
SKIP $offset
LIMIT $limit
