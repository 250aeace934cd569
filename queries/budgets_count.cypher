// name: budgets_count
// description: How many budgets the budgets query would return in total (same filters, no pagination).
// window: always
// param: q string? Text to look for in the budget's name, description, wording and holder name
// param: holder string? Holder node id (matches its types' budgets, or a type's instances')
// param: fiscal_year string? Fiscal year like 2017/18
// example: {"q": "public health", "holder": null, "fiscal_year": null}
OPTIONAL MATCH (hn:Entity {id: $holder})-[hi:INSTANCE_OF]-(ht:Entity)
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
RETURN count(b) AS total
