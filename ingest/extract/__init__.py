"""Document extraction: propose the entities and relations a new document states.

Modules, one job each: reader (decode files, HTML/Markdown to text, size
cap), sentences (split with offsets), gazetteer (KB names and aliases ->
spaCy PhraseMatcher), mentions (gazetteer plus patterns for new names),
values (money, dates, counts), relations (sentence-level patterns),
pipeline (combine them), output (JSON report, candidate KB files),
evaluate (score against the KB), cli (subcommands).

Import from ingest.extract.pipeline directly: this package stays free of
imports so that `nhskg` commands other than extract do not pay for spaCy.
"""
