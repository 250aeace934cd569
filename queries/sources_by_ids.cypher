// name: sources_by_ids
// description: Source documents (metadata) for a list of source ids; unknown ids are skipped.
// param: ids list Source ids, e.g. source:kingsfund-2023
// example: {"ids": ["source:kingsfund-2023"]}
MATCH (s:Source)
WHERE s.id IN $ids
RETURN s {.*} AS source
ORDER BY s.id
