// name: entity_search_count
// description: How many entities entity_search would return in total (same filters and window, no pagination; a dated search counts a source only when it was published before the window ends).
// window: always
// param: q string? Text to look for in names, aliases, ids and codes (case-insensitive); null = everything
// param: label string? Only nodes carrying this label
// param: instance_of string? Only nodes INSTANCE_OF this type in the window
// param: part_of string? Only nodes directly PART_OF this node in the window
// param: code string? Only the body with this ODS or ONS code (current or former)
// example: {"q": "commissioning", "label": null, "instance_of": null, "part_of": null, "code": null, "as_of": "2015-01-01", "status": "any"}
OPTIONAL MATCH (x:Entity)-[i:INSTANCE_OF]->(t:Entity {id: coalesce($instance_of, '')})
  WHERE @valid(i)
WITH collect(DISTINCT x.id) AS instances
OPTIONAL MATCH (y:Entity)-[po:PART_OF]->(w:Entity {id: coalesce($part_of, '')})
  WHERE @valid(po)
WITH instances, collect(DISTINCT y.id) AS parts
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
       OR any(c IN [n.ons_code] + coalesce(n.ons_codes, []) WHERE toUpper(c) = toUpper($q))
       OR any(i IN [n.register_id] + coalesce(n.former_ids, []) WHERE toLower(i) = toLower($q)))
  AND @valid(n)
  AND (NOT 'Source' IN labels(n) OR $undated_too OR coalesce(n.date, '9999-12-31') < $to_date)
  AND ($instance_of IS NULL OR n.id IN instances)
  AND ($part_of IS NULL OR n.id IN parts)
RETURN count(n) AS total
