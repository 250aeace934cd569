// name: subgraph_adjacency
// description: The relationships leaving a set of entities (to entities), with what the neighbourhood walk and its edge briefs read: one row per relationship type, the columns parallel lists (relationship i of the row is item i of each; rows and items in no particular order): id, the ends' ids, and `kinds`: the rest as one text, fields joined by '|': valid_from, valid_to, status, undated (true when the time-and-status rule's undated test excludes it), derived, event, an event's date, quantifier, how many source ids, then each source id. Relationships share few distinct kinds (about 95,000 of 565,000 at 100,000 organisations), and one text a relationship instead of nine values cut the worker's CPU reading them at that size from 36.6 s to 10.6 s (the engine's rose from 9.2 s to 13.4 s). Read once per graph build, a page of entities at a time, by the subgraph adjacency (nhskg.queries.adjacency), which answers /subgraph in memory and refuses a kind whose fields hold '|' (the count of fields tells); subgraph_neighbours and subgraph_edge_briefs stay the definition. Absent text is '' (no relationship has an empty id, date, status or quantifier).
// param: ids list Node ids: the relationships leaving these
// example: {"ids": ["type:icb", "org:nhs-england"]}
MATCH (a:Entity)
WHERE a.id IN $ids
MATCH (a)-[r]->(b:Entity)
RETURN type(r) AS type,
       collect(coalesce(r.id, '')) AS ids,
       collect(a.id) AS from_ids,
       collect(b.id) AS to_ids,
       collect(coalesce(r.valid_from, '') + '|' + coalesce(r.valid_to, '') + '|' + coalesce(r.status, '')
               + '|' + toString(coalesce(r.undated, false) <> false) + '|' + toString(coalesce(r.derived, false) = true)
               + '|' + toString(coalesce(r.event, false) = true) + '|' + coalesce(r.date, '') + '|' + coalesce(r.quantifier, '')
               + '|' + toString(size(coalesce(r.source_ids, []))) + reduce(s = '', x IN coalesce(r.source_ids, []) | s + '|' + x)) AS kinds
