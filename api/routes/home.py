"""GET /: a landing page saying what this is and how to query it (plain
HTML, no script, nothing fetched from elsewhere)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(tags=["home"])

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>NHS commissioning knowledge graph</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222}
code{background:#f3f3f3;padding:0 .2em}pre{background:#f3f3f3;padding:.6em;overflow-x:auto}a{color:#005eb8}</style></head>
<body>
<h1>NHS commissioning knowledge graph</h1>
<p>The reference knowledge graph of the NHS commissioning landscape in England: who commissions what,
who is accountable to whom, which Act set it up, where the money sits and who delegated which function
to whom, from the 1990 internal market to the 2022 Act. Every fact carries its time scope, its status
and the sentence (with its source) that supports it.</p>
<h2>Explore</h2>
<ul>
<li><a href="/docs">/docs</a>: every endpoint, with parameters and examples, to try in the browser (Swagger UI); <a href="/redoc">/redoc</a> reads better; <a href="/openapi.json">/openapi.json</a> is the schema.</li>
<li><a href="/explore">/explore</a>: the explorer (timeline and graph).</li>
<li><a href="/sources">/sources</a>: the documents and register files every fact is cited from.</li>
<li><a href="/queries">/queries</a>: the named queries behind the answers.</li>
<li><a href="/health">/health</a>: the engine and the size of the graph.</li>
</ul>
<h2>Ask it</h2>
<p>Answers are JSON. Landscape questions hold <em>today</em> unless you ask about a day
(<code>as_of=2015-01-01</code>) or a period (<code>from=2013-04-01&amp;to=2013-04-02</code>, half-open);
only facts in force count unless <code>status=</code> asks for planned or proposed ones too.</p>
<pre>
/entities?q=surrey                                  find a body, type, service or Act by name or code
/entities/type:icb/accountability?as_of=2024-01-01  who an ICB answers to
/entities/org:nhs-england/accountable-bodies        who answers to NHS England
/services/service:dental-services/timeline          who commissioned dental services, over time
/statutes/statute:health-and-social-care-act-2012/effects   what the 2012 Act did
/changes?from=2013-04-01&amp;to=2013-04-02              what changed on 1 April 2013
/budgets?q=public+health                            budgets by text, holder, fiscal year
</pre>
<p>A misspelled parameter or an unknown id is an error that says so (with the closest ids);
every answer's <code>evidence</code> leads to <code>/sources/{source_id}</code>.</p>
</body>
</html>
"""


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home() -> HTMLResponse:
    return HTMLResponse(PAGE)
