"""Regenerate docs/api.md from docs/api.md.in by running each curl example
against a live server, so the outputs shown are real:

    nhskg --data-dir /tmp/apidocs/data serve --port 8765 --reingest &
    python docs/make_api_md.py
"""
import datetime as dt, json, re, subprocess, sys, tempfile
from pathlib import Path
DOCS = Path(__file__).resolve().parent
BASE = "http://127.0.0.1:8765"
tmpl = (DOCS / "api.md.in").read_text(encoding="utf-8")

def trim(x, depth=0):
    if isinstance(x, list):
        n = 2 if depth > 0 else 3
        if all(not isinstance(v, (dict, list)) for v in x):
            n = 6
        out = [trim(v, depth + 1) for v in x[:n]]
        if len(x) > n:
            out.append(f"... {len(x) - n} more")
        return out
    if isinstance(x, dict):
        return {k: trim(v, depth + 1) for k, v in x.items()}
    if isinstance(x, str) and len(x) > 140:
        return x[:137] + "..."
    return x

def run(path):
    out = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", BASE + path], capture_output=True, text=True, check=True).stdout
    body, code = out.rsplit("\n", 1)
    try:
        shown = json.dumps(trim(json.loads(body)), indent=2, ensure_ascii=False)
    except json.JSONDecodeError:
        shown = body[:400]
    status = "" if code == "200" else f"HTTP {code}\n"
    return f"```console\n$ curl -s '{BASE}{path}'\n{status}{shown}\n```"

text = re.sub(r"<<RUN (\S+)>>", lambda m: run(m.group(1)), tmpl)
text = text.replace("{{DATE}}", dt.date.today().isoformat())
import networkx as nx, io, zipfile, urllib.request
g = nx.read_graphml(io.BytesIO(urllib.request.urlopen(BASE + "/subgraph?seed=type:icb&depth=2&as_of=2024-01-01&format=graphml").read()), force_multigraph=True)
text = text.replace("{{GRAPHML}}", f"{type(g).__name__} {g.number_of_nodes()} {g.number_of_edges()}")
z = subprocess.run("cd " + tempfile.mkdtemp() + " && curl -s -o icb.zip '" + BASE + "/subgraph?seed=type:icb&depth=2&as_of=2024-01-01&format=csv' && unzip -l icb.zip", shell=True, capture_output=True, text=True).stdout.rstrip()
text = text.replace("{{CSVZIP}}", z)
(DOCS / "api.md").write_text(text, encoding="utf-8")
print("written", len(text))
