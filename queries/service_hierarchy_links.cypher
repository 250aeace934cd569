// name: service_hierarchy_links
// description: The PART_OF relationships the service hierarchy can walk, of all dates and statuses: every one on a chain of up to 6 PART_OF steps up from a service (toward its ancestors, as service_lineage walks them) or of up to 4 steps down into one (from its parts), whatever the nodes on the way, with their ends, dates, status and whether each is undated (true when the time-and-status rule's undated test excludes it). Read once per graph build by the commissioning index (nhskg.queries.commissioning), which walks the hierarchy in memory; service_lineage stays the definition. Absent text is ''.
// example: {}
MATCH up = (:Service)-[:PART_OF*1..6]->(:Entity)
UNWIND relationships(up) AS r
RETURN DISTINCT r.id AS id,
       startNode(r).id AS from_id,
       endNode(r).id AS to_id,
       coalesce(r.valid_from, '') AS valid_from,
       coalesce(r.valid_to, '') AS valid_to,
       coalesce(r.status, '') AS status,
       coalesce(r.undated, false) <> false AS undated
UNION
MATCH down = (:Entity)-[:PART_OF*1..4]->(:Service)
UNWIND relationships(down) AS r
RETURN DISTINCT r.id AS id,
       startNode(r).id AS from_id,
       endNode(r).id AS to_id,
       coalesce(r.valid_from, '') AS valid_from,
       coalesce(r.valid_to, '') AS valid_to,
       coalesce(r.status, '') AS status,
       coalesce(r.undated, false) <> false AS undated
