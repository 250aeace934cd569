// name: sources_list
// description: Every source document with its metadata (title, publisher, date, describes_as_of, kind, url, document, external), ordered by date.
// example: {}
MATCH (s:Source)
RETURN s {.*} AS source
ORDER BY coalesce(s.date, ''), s.id
