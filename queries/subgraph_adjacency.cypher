// name: subgraph_adjacency
// description: The relationships leaving a set of entities (to entities), with what the neighbourhood walk and its edge briefs read: one row per relationship type, the columns parallel lists (relationship i of the row is item i of each; rows and items in no particular order): id, the ends' ids, dates, status, whether it is undated (true when the time-and-status rule's undated test excludes it), derived and event flags, an event's date, quantifier and source ids. Read once per graph build, a page of entities at a time, by the subgraph adjacency (nhskg.queries.adjacency), which answers /subgraph in memory; subgraph_neighbours and subgraph_edge_briefs stay the definition. Absent text is '' (no relationship has an empty id, date, status or quantifier).
// param: ids list Node ids: the relationships leaving these
// example: {"ids": ["type:icb", "org:nhs-england"]}
MATCH (a:Entity)
WHERE a.id IN $ids
MATCH (a)-[r]->(b:Entity)
RETURN type(r) AS type,
       collect(coalesce(r.id, '')) AS ids,
       collect(a.id) AS from_ids,
       collect(b.id) AS to_ids,
       collect(coalesce(r.valid_from, '')) AS valid_from,
       collect(coalesce(r.valid_to, '')) AS valid_to,
       collect(coalesce(r.status, '')) AS statuses,
       collect(coalesce(r.undated, false) <> false) AS undated,
       collect(coalesce(r.derived, false)) AS derived,
       collect(coalesce(r.event, false)) AS event,
       collect(coalesce(r.date, '')) AS dates,
       collect(coalesce(r.quantifier, '')) AS quantifiers,
       collect(coalesce(r.source_ids, [])) AS source_ids
