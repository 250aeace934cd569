// name: entity_search_count
// description: How many entities entity_search would return in total (same filters and window, no pagination).
// window: always
// param: q string? Text to look for in names, aliases and ids (case-insensitive); null = everything
// param: label string? Only nodes carrying this label
// example: {"q": "commissioning", "label": null, "as_of": "2015-01-01", "status": "any"}
MATCH (n:Entity)
WHERE ($label IS NULL OR $label IN labels(n))
  AND ($q IS NULL
       OR toLower(n.name) CONTAINS toLower($q)
       OR toLower(n.id) CONTAINS toLower($q)
       OR any(a IN coalesce(n.aliases, []) WHERE toLower(a) CONTAINS toLower($q)))
  AND @valid(n)
RETURN count(n) AS total
