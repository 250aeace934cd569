// name: source_facts_relationships
// description: The relationships that cite a source, each with its type, ends, time scope, status and the quotes taken from that source. Derived relationships (which repeat the evidence of what they rest on) only when include_derived.
// param: id string Source id
// param: include_derived bool Also list derived relationships
// param: limit int At most this many rows
// example: {"id": "source:kingsfund-2023", "include_derived": false, "limit": 100}
MATCH (a:Entity)-[r]->(b:Entity)
WHERE $id IN coalesce(r.source_ids, [])
  AND ($include_derived OR coalesce(r.derived, false) = false)
RETURN r.id AS id, type(r) AS type, a.id AS from, b.id AS to, r.valid_from AS valid_from, r.valid_to AS valid_to, r.status AS status,
       coalesce(r.derived, false) AS derived,
       [i IN range(0, size(coalesce(r.evidence, [])) - 1) WHERE r.evidence_sources[i] = $id | r.evidence[i]] AS quotes
ORDER BY type, from, to, id
LIMIT $limit
