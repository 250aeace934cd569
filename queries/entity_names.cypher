// name: entity_names
// description: Every entity's id, name, aliases and codes (ODS, ONS), for matching a mistyped name or id to the closest entities (the typo-tolerant fallback of /entities and the suggestions of a 404). Sources are left out.
// example: {}
MATCH (n:Entity)
WHERE NOT n:Source
RETURN n.id AS id, n.name AS name, labels(n) AS labels, coalesce(n.aliases, []) AS aliases, n.ods_code AS ods_code, n.ons_code AS ons_code
ORDER BY n.id
