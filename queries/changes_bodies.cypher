// name: changes_bodies
// description: Bodies, types, statutes, policies and delegations that start or end in the window (valid_from or valid_to falls in [from, to); all time unless narrowed), with their status (in_force unless status says otherwise; undated records left out). A change is a day, so this asks whether the day falls in the window rather than whether the record overlaps it (a body abolished on 1 April 2013 holds until 31 March).
// window: always
// example: {"from": "2022-07-01", "to": "2022-07-02"}
MATCH (n:Entity)
WHERE any(l IN labels(n) WHERE l IN ['Organisation', 'OrganisationType', 'Statute', 'Policy', 'Delegation'])
  AND coalesce(n.status, 'in_force') IN $statuses
  AND coalesce(n.undated, false) = false
  AND (($from_date <= n.valid_from AND n.valid_from < $to_date)
       OR ($from_date <= n.valid_to AND n.valid_to < $to_date))
RETURN n {.*, labels: labels(n)} AS node,
       ($from_date <= n.valid_from AND n.valid_from < $to_date) AS starts,
       ($from_date <= n.valid_to AND n.valid_to < $to_date) AS ends
ORDER BY n.id
