// name: changes_events
// description: The dated events of the landscape in the window (all time unless narrowed): ESTABLISHED_BY, ABOLISHED_BY, SUCCEEDED_BY and RENAMED_TO relationships (stored as one-day spans on the day they happen), authored ones only (not the copies real bodies inherit from their type), with both ends and the statute a step names.
// window: always
// example: {"from": "2013-04-01", "to": "2013-04-02"}
MATCH (a:Entity)-[r:ESTABLISHED_BY|ABOLISHED_BY|SUCCEEDED_BY|RENAMED_TO]->(b:Entity)
WHERE coalesce(r.derived, false) = false
  AND @valid(r)
RETURN type(r) AS type,
       coalesce(r.date, r.valid_from) AS date,
       a {.id, .name, .valid_from, .valid_to, labels: labels(a)} AS start,
       b {.id, .name, .valid_from, .valid_to, labels: labels(b)} AS end,
       r {.*, type: type(r), from: a.id, to: b.id} AS relationship
ORDER BY date, type, a.id, b.id
