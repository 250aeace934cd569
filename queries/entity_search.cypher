// name: entity_search
// description: Entities whose name, alias or id contains q (case-insensitive substring), optionally only those carrying a label, holding in the window (all time unless as_of or from/to narrow it, so abolished bodies can still be found; in_force unless status says otherwise). Ordered by name, paginated.
// window: always
// param: q string? Text to look for in names, aliases and ids (case-insensitive); null = everything
// param: label string? Only nodes carrying this label (e.g. Organisation, OrganisationType, Service)
// param: limit int At most this many rows
// param: offset int Skip this many rows first
// example: {"q": "commissioning", "label": "Organisation", "limit": 10, "offset": 0}
MATCH (n:Entity)
WHERE ($label IS NULL OR $label IN labels(n))
  AND ($q IS NULL
       OR toLower(n.name) CONTAINS toLower($q)
       OR toLower(n.id) CONTAINS toLower($q)
       OR any(a IN coalesce(n.aliases, []) WHERE toLower(a) CONTAINS toLower($q)))
  AND @valid(n)
RETURN n.id AS id, n.name AS name, labels(n) AS labels, n.valid_from AS valid_from, n.valid_to AS valid_to, n.status AS status
ORDER BY toLower(n.name), n.id
SKIP $offset
LIMIT $limit
