// name: statute_effects
// description: What a statute (or policy) did, with its sections (nodes PART_OF it): the bodies and types it established or abolished, what it enabled (ENABLED_BY), the delegations made under its powers (UNDER_POWER), what it set out (SETS_OUT) or applies to (APPLIES_TO), the successions and renamings that name it (`statute` on the step), and the commissioning it conferred (COMMISSIONS naming it as `statute`). Authored facts only (derived copies on real bodies are left out). Each relationship must hold in the window (all time unless narrowed).
// window: always
// param: id string Statute or policy id, e.g. statute:health-and-social-care-act-2012
// example: {"id": "statute:health-and-social-care-act-2012"}
MATCH (st:Entity {id: $id})
OPTIONAL MATCH (sec:Entity)-[sp:PART_OF]->(st)
WITH st, collect(sec.id) AS sections
WITH [st.id] + sections AS acts
MATCH (a:Entity)-[r]->(b:Entity)
WHERE coalesce(r.derived, false) = false
  AND @valid(r)
  AND ((type(r) IN ['ESTABLISHED_BY', 'ABOLISHED_BY', 'ENABLED_BY', 'UNDER_POWER'] AND b.id IN acts)
       OR (type(r) IN ['SETS_OUT', 'APPLIES_TO'] AND a.id IN acts)
       OR (type(r) IN ['SUCCEEDED_BY', 'RENAMED_TO', 'COMMISSIONS'] AND r.statute IN acts))
RETURN type(r) AS type,
       a {.id, .name, .valid_from, .valid_to, labels: labels(a)} AS start,
       b {.id, .name, .valid_from, .valid_to, labels: labels(b)} AS end,
       CASE WHEN b.id IN acts THEN b.id WHEN a.id IN acts THEN a.id ELSE r.statute END AS act,
       r {.*, type: type(r), from: a.id, to: b.id} AS relationship
ORDER BY coalesce(r.valid_from, ''), type, a.id, b.id
