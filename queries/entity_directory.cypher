// name: entity_directory
// description: Every entity's id, name, ODS and ONS codes, dates and status, one row per set of labels (the columns are parallel lists: entity i of the row is item i of each; rows and items in no particular order), plus `extras`: [id, aliases, former ONS codes] for the few entities that have either. Read once per graph build by the search directory (nhskg.queries.directory), which answers /entities in memory. Absent text is '' (no entity has an empty name, code or date); `undated` is true when the time-and-status rule's undated test excludes the record.
// example: {}
MATCH (n:Entity)
RETURN labels(n) AS labels,
       collect(n.id) AS ids,
       collect(coalesce(n.name, '')) AS names,
       collect(coalesce(n.ods_code, '')) AS ods_codes,
       collect(coalesce(n.ons_code, '')) AS ons_codes,
       collect(coalesce(n.valid_from, '')) AS valid_from,
       collect(coalesce(n.valid_to, '')) AS valid_to,
       collect(coalesce(n.status, '')) AS statuses,
       collect(coalesce(n.undated, false) <> false) AS undated,
       collect(CASE WHEN n.aliases IS NULL AND n.ons_codes IS NULL THEN null
                    ELSE [n.id, coalesce(n.aliases, []), coalesce(n.ons_codes, [])] END) AS extras
