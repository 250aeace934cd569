// name: entity_search_count
// description: How many entities entity_search would return in total (same filters and window, no pagination).
// window: always
// param: q string? Text to look for in names, aliases, ids and codes (case-insensitive); null = everything
// param: label string? Only nodes carrying this label
// param: instance_of string? Only nodes INSTANCE_OF this type in the window
// param: part_of string? Only nodes directly PART_OF this node in the window
// param: code string? Only the body with this ODS or ONS code (current or former)
// example: {"q": "commissioning", "label": null, "instance_of": null, "part_of": null, "code": null, "as_of": "2015-01-01", "status": "any"}
MATCH (n:Entity)
WHERE ($label IS NULL OR $label IN labels(n))
  AND ($code IS NULL
       OR toUpper(coalesce(n.ods_code, '')) = toUpper($code)
       OR toUpper(coalesce(n.ons_code, '')) = toUpper($code)
       OR any(c IN coalesce(n.ons_codes, []) WHERE toUpper(c) = toUpper($code)))
  AND ($q IS NULL
       OR toLower(n.name) CONTAINS toLower($q)
       OR toLower(n.id) CONTAINS toLower($q)
       OR any(a IN coalesce(n.aliases, []) WHERE toLower(a) CONTAINS toLower($q))
       OR toUpper(coalesce(n.ods_code, '')) = toUpper($q)
       OR any(c IN [n.ons_code] + coalesce(n.ons_codes, []) WHERE toUpper(c) = toUpper($q)))
  AND @valid(n)
WITH n,
     CASE WHEN $instance_of IS NULL THEN 1
          ELSE size([(n)-[i:INSTANCE_OF]->(t:Entity) WHERE t.id = $instance_of AND @valid(i) | i]) END AS instance_links,
     CASE WHEN $part_of IS NULL THEN 1
          ELSE size([(n)-[po:PART_OF]->(w:Entity) WHERE w.id = $part_of AND @valid(po) | po]) END AS part_links
WHERE instance_links > 0 AND part_links > 0
RETURN count(n) AS total
