// name: entity_search
// description: Entities whose name, alias or id contains q (case-insensitive substring) or whose ODS or ONS code is q, optionally only those carrying a label, an instance of a type in the window (instance_of), directly PART_OF a node in the window (part_of), or with an ODS or ONS code (code, any date, case-insensitive), holding in the window (all time unless as_of or from/to narrow it, so abolished bodies can still be found; in_force unless status says otherwise). A source document is not dated like the landscape: a dated search finds it only when it was published before the window ends. Landscape entities come first, then Count records, then sources; within each: exact name first, then exact alias, code or other id (a former id, the register pattern id `register_id`), then names starting with q, then the rest; bodies found by their code by who held it on code_day (the holder that day first, then the latest holder first); by name within a rank; paginated. Sources carry their publication date (`published`). On name_day a body renamed in its name_history (entries marked as a statutory, operating or successor name; a register's spellings are not renamings) is shown with the name it had that day. Each row also carries `total`: how many entities match before pagination (a page and its count in one query; a page past the end has no rows, and entity_search_count counts).
// window: always
// param: q string? Text to look for in names, aliases, ids and codes (case-insensitive); null = everything
// param: label string? Only nodes carrying this label (e.g. Organisation, OrganisationType, Service)
// param: instance_of string? Only nodes INSTANCE_OF this type in the window, e.g. type:icb
// param: part_of string? Only nodes directly PART_OF this node in the window
// param: code string? Only the body with this ODS or ONS code (current or former), e.g. 09Y
// param: code_day date? The day whose holder of a code comes first (as_of; the last day of a period; today when undated); null = the latest holder first
// param: name_day date? The day whose name a renamed body is shown with (as_of); null = its name now
// param: ids list? Only these ids (the closest names' check against the other filters); null = any
// param: limit int At most this many rows
// param: offset int Skip this many rows first
// example: {"q": "commissioning", "label": "Organisation", "instance_of": null, "part_of": null, "code": null, "code_day": "2024-01-01", "name_day": null, "ids": null, "limit": 10, "offset": 0}
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
  AND ($ids IS NULL OR n.id IN $ids)
// The rank reads the node through `asked`, null when nothing is looked
// for: on FalkorDB the CASE below cost the same whichever branch was
// taken, and on null each branch costs next to nothing (a listing ranks
// every entity it keeps).
WITH n, CASE WHEN $q IS NULL THEN null ELSE n END AS asked
WITH n,
     CASE
       WHEN asked IS NULL THEN 0
       WHEN toLower(asked.name) = toLower($q) OR toLower(asked.id) = toLower($q) THEN 0
       WHEN any(a IN coalesce(asked.aliases, []) WHERE toLower(a) = toLower($q))
            OR toUpper(coalesce(asked.ods_code, '')) = toUpper($q)
            OR any(c IN [asked.ons_code] + coalesce(asked.ons_codes, []) WHERE toUpper(c) = toUpper($q))
            OR any(i IN [asked.register_id] + coalesce(asked.former_ids, []) WHERE toLower(i) = toLower($q)) THEN 1
       WHEN toLower(asked.name) STARTS WITH toLower($q) THEN 2
       ELSE 3
     END AS rank
WITH n, rank,
     CASE WHEN 'Source' IN labels(n) THEN 2 WHEN 'Count' IN labels(n) THEN 1 ELSE 0 END AS tier,
     ($code IS NOT NULL OR (rank = 1
        AND (toUpper(coalesce(n.ods_code, '')) = toUpper($q)
             OR any(c IN [n.ons_code] + coalesce(n.ons_codes, []) WHERE toUpper(c) = toUpper($q))))) AS by_code
WITH n, rank, tier,
     CASE WHEN NOT by_code THEN 0
          WHEN coalesce(n.valid_from, '') <= $code_day AND (n.valid_to IS NULL OR $code_day < n.valid_to) THEN 0
          ELSE 1 END AS held,
     CASE WHEN by_code THEN coalesce(n.valid_from, '') ELSE '' END AS since
ORDER BY tier, rank, held, since DESC, toLower(coalesce(n.name, n.id)), n.id
WITH collect({node: n, rank: rank}) AS hits
UNWIND hits[$offset..($offset + $limit)] AS hit
WITH hit.node AS n, hit.rank AS rank, size(hits) AS total
WITH n, rank, total,
     any(h IN coalesce(n.name_history, []) WHERE h ENDS WITH ' (statutory name)' OR h ENDS WITH ' (operating name)' OR h ENDS WITH ' (successor)') AS renamed,
     [h IN coalesce(n.name_history, []) WHERE $name_day IS NOT NULL AND substring(h, 10, 2) = ': ' AND substring(h, 0, 10) <= $name_day] AS named
WITH n, rank, total,
     CASE WHEN renamed AND size(named) > 0
          THEN replace(replace(replace(substring(reduce(best = named[0], h IN named | CASE WHEN substring(h, 0, 10) >= substring(best, 0, 10) THEN h ELSE best END), 12),
               ' (statutory name)', ''), ' (operating name)', ''), ' (successor)', '')
          ELSE n.name END AS name
RETURN n.id AS id, name, labels(n) AS labels, n.valid_from AS valid_from, n.valid_to AS valid_to, n.status AS status,
       n.ods_code AS ods_code, n.ons_code AS ons_code,
       CASE WHEN 'Source' IN labels(n) THEN n.date END AS published, rank, total
