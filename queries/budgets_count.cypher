// name: budgets_count
// description: How many budgets the budgets query would return in total (same filters, no pagination).
// window: always
// param: holder string? Holder node id
// param: fiscal_year string? Fiscal year like 2017/18
// example: {"holder": "type:ccg", "fiscal_year": null}
MATCH (b:Budget)
WHERE ($holder IS NULL OR b.holder = $holder)
  AND ($fiscal_year IS NULL OR b.fiscal_year = $fiscal_year)
  AND @valid(b)
RETURN count(b) AS total
