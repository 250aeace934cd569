// name: entity_search
// description: Entities whose name, alias or id contains q (case-insensitive substring), optionally only those carrying a label and only those valid on a date. Without as_of every entity matches whatever its dates (a directory lookup, so abolished bodies can still be found); with as_of only entities valid on that date. Ordered by name, paginated.
// param: q string? Text to look for in names, aliases and ids (case-insensitive); null = everything
// param: label string? Only nodes carrying this label (e.g. Organisation, OrganisationType, Service)
// param: as_of date? Only entities valid on this ISO date (valid_from <= as_of < valid_to); null = any date
// param: limit int At most this many rows
// param: offset int Skip this many rows first
// example: {"q": "commissioning", "label": "Organisation", "as_of": null, "limit": 10, "offset": 0}
MATCH (n:Entity)
WHERE ($label IS NULL OR $label IN labels(n))
  AND ($q IS NULL
       OR toLower(n.name) CONTAINS toLower($q)
       OR toLower(n.id) CONTAINS toLower($q)
       OR any(a IN coalesce(n.aliases, []) WHERE toLower(a) CONTAINS toLower($q)))
  AND ($as_of IS NULL
       OR (coalesce(n.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce(n.valid_to, '9999-12-31')))
RETURN n.id AS id, n.name AS name, labels(n) AS labels, n.valid_from AS valid_from, n.valid_to AS valid_to, n.status AS status
ORDER BY toLower(n.name), n.id
SKIP $offset
LIMIT $limit
