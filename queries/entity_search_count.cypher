// name: entity_search_count
// description: How many entities entity_search would return in total (same filters, no pagination).
// param: q string? Text to look for in names, aliases and ids (case-insensitive); null = everything
// param: label string? Only nodes carrying this label
// param: as_of date? Only entities valid on this ISO date; null = any date
// example: {"q": "commissioning", "label": null, "as_of": "2015-01-01"}
MATCH (n:Entity)
WHERE ($label IS NULL OR $label IN labels(n))
  AND ($q IS NULL
       OR toLower(n.name) CONTAINS toLower($q)
       OR toLower(n.id) CONTAINS toLower($q)
       OR any(a IN coalesce(n.aliases, []) WHERE toLower(a) CONTAINS toLower($q)))
  AND ($as_of IS NULL
       OR (coalesce(n.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(n.valid_to, '9999-12-31')))
RETURN count(n) AS total
