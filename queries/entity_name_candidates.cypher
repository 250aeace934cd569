// name: entity_name_candidates
// description: The entities (not sources) with a text sharing the most of the given character trigrams for its length (the best of shared / (trigrams given + length of the text) over the entity's texts, a Dice-like similarity, so a body with many aliases is not penalised for them), most first, then by id: what the closest-names search (the typo-tolerant fallback of /entities and the suggestions of a 404) scores. An entity's texts are its id, its id slug (after the prefix, hyphens as spaces), name, aliases and ODS / ONS codes, lower-cased. On a graph of at most `limit` entities every entity is returned.
// param: grams list Lower-cased trigrams of the text looked for (padded with a space at each end)
// param: limit int At most this many entities
// example: {"grams": [" co", "com", "omi", "mis", "iss", "ssi", "sio", "ion", "oni", "nin", "ing", "ng "], "limit": 20}
MATCH (n:Entity)
WHERE NOT n:Source
WITH n, [toLower(n.id), replace(toLower(split(n.id, ':')[size(split(n.id, ':')) - 1]), '-', ' '), toLower(coalesce(n.name, ''))]
        + [a IN coalesce(n.aliases, []) | toLower(a)]
        + [toLower(coalesce(n.ods_code, '')), toLower(coalesce(n.ons_code, ''))] AS texts
WITH n, [t IN texts WHERE t <> '' | toFloat(size([g IN $grams WHERE (' ' + t + ' ') CONTAINS g])) / (size($grams) + size(t) + 2)] AS scores
WITH n, reduce(best = 0.0, x IN scores | CASE WHEN x > best THEN x ELSE best END) AS shared
RETURN n.id AS id, n.name AS name, labels(n) AS labels, coalesce(n.aliases, []) AS aliases, n.ods_code AS ods_code, n.ons_code AS ons_code
ORDER BY shared DESC, id
LIMIT $limit
