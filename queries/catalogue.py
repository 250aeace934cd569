"""The query catalogue: one named, parameterised .cypher file per query.

Each file starts with a header of `//` comment lines:

    // name: entity_search
    // description: Entities whose name or alias contains q (case-insensitive).
    // param: q string  Text to look for in names and aliases
    // param: as_of date  Landscape date, ISO YYYY-MM-DD
    // param: limit int  At most this many rows
    // example: {"q": "commissioning board", "as_of": "2024-01-01", "limit": 10}

followed by the Cypher, which must run unchanged on FalkorDB and Neo4j. The
API and client only ever name a query and pass parameters.

Landscape queries declare `// window: today` (or `// window: always`, for
the questions that span all time unless narrowed: history, budgets). They then take a window (`as_of`
one day, or `from` + `to` a half-open period, and `status`), which reaches
the Cypher as `$from_date`, `$to_date` and `$statuses`, and they write the
time-and-status rule as the fragment `@valid(x)` for a node or relationship
variable x. The catalogue expands the fragment when it loads the file, from
the same rule as nhskg.core.timescope, so the rule is written once; what
runs on either engine (and what Neo4j's parser checks) is the expanded text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nhskg.core.errors import NotFound, UserError
from nhskg.core.timescope import BEGINNING, END, Window, WindowError

if TYPE_CHECKING:
    from nhskg.graph.store import GraphStore

QUERIES_DIR = Path(__file__).resolve().parent

PARAM_TYPES = ("string", "date", "int", "bool", "list")
# Bounds on what a caller may pass (a limit of 2**32 or a 100 KB string is a mistake, not a question).
INT_MIN, INT_MAX = 0, 100_000
TEXT_MAX = 1000
LIST_MAX = 1000

# The Cypher form of nhskg.core.timescope.holds: overlap with [from_date,
# to_date), an asked-for status, not an undated record of a dated kind.
VALID_FRAGMENT = (
    "(coalesce({x}.valid_from, '" + BEGINNING + "') < $to_date"
    " AND $from_date < coalesce({x}.valid_to, '" + END + "')"
    " AND coalesce({x}.status, 'in_force') IN $statuses"
    " AND (coalesce({x}.undated, false) = false OR $undated_too))"
)
WINDOW_PARAMS = ("from_date", "to_date", "statuses", "undated_too")
_FRAGMENT = re.compile(r"@valid\(([A-Za-z_][A-Za-z0-9_]*)\)")


def expand_fragments(cypher: str) -> str:
    return _FRAGMENT.sub(lambda m: VALID_FRAGMENT.format(x=m.group(1)), cypher)


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str
    optional: bool = False


@dataclass(frozen=True)
class CatalogueQuery:
    name: str
    description: str
    params: tuple[Param, ...]
    example: dict[str, Any]
    cypher: str
    path: Path
    windowed: bool = False
    window_default: str = "today"  # what no as_of / from / to means: today, or all time

    @property
    def public_params(self) -> list[str]:
        """What a caller passes: the declared parameters, plus the window's."""
        names = [p.name for p in self.params]
        return names + (["as_of", "from", "to", "status"] if self.windowed else [])

    def coerce(self, raw: dict[str, Any], *, today: str | None = None) -> dict[str, Any]:
        """Validate and convert raw (e.g. query-string) parameters.

        Raises UserError naming the first bad or missing parameter. `as_of`
        defaults to today when it is a declared parameter and not given. A
        windowed query takes `window` (a timescope.Window) or as_of / from /
        to / status, defaulting to today and in_force.
        """
        raw = dict(raw)
        out: dict[str, Any] = {}
        if self.windowed:
            window = raw.pop("window", None)
            parts = {k: raw.pop(k, None) for k in ("as_of", "from", "to", "status")}
            if window is None:
                try:
                    window = Window.from_request(
                        parts["as_of"], parts["from"], parts["to"], parts["status"], today=today, default=self.window_default
                    )
                except WindowError as exc:
                    raise UserError(str(exc)) from None
            out.update(window.params())
        known = {p.name: p for p in self.params}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise UserError(f"{unknown[0]}: unknown parameter; query {self.name!r} takes {', '.join(self.public_params) or 'no parameters'}")
        for p in self.params:
            value = raw.get(p.name)
            if value is None or value == "":
                # A required as_of defaults to today; an optional one (`date?`)
                # stays null, which the query reads as "any date".
                if p.name == "as_of" and not p.optional:
                    out[p.name] = today or dt.date.today().isoformat()
                    continue
                if p.optional:
                    out[p.name] = None
                    continue
                raise UserError(f"query {self.name!r} needs parameter {p.name!r} ({p.type})")
            out[p.name] = coerce_value(p, value)
        return out


def parse_iso_date(value: str, name: str = "as_of") -> str:
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise UserError(f"{name} must be an ISO date YYYY-MM-DD, got {value!r}") from None


def coerce_value(p: Param, value: Any) -> Any:
    if p.type == "date":
        return parse_iso_date(value, p.name)
    if p.type == "int":
        if isinstance(value, bool):
            raise UserError(f"{p.name} must be a whole number, got {value!r}")
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            raise UserError(f"{p.name} must be a whole number, got {str(value)[:40]!r}") from None
        if not INT_MIN <= number <= INT_MAX:
            raise UserError(f"{p.name} must be between {INT_MIN} and {INT_MAX}, got {number}")
        return number
    if p.type == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).lower()
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no"):
            return False
        raise UserError(f"{p.name} must be true or false, got {value!r}")
    if p.type == "list":
        items = value if isinstance(value, list) else str(value).split(",")
        out = [_text(p, str(v).strip()) for v in items if str(v).strip()]
        if len(out) > LIST_MAX:
            raise UserError(f"{p.name}: at most {LIST_MAX} items, got {len(out)}")
        return out
    return _text(p, str(value))


def _text(p: Param, value: str) -> str:
    if len(value) > TEXT_MAX:
        raise UserError(f"{p.name}: at most {TEXT_MAX} characters, got {len(value)}")
    return value


@dataclass
class Catalogue:
    queries: dict[str, CatalogueQuery] = field(default_factory=dict)

    def get(self, name: str) -> CatalogueQuery:
        try:
            return self.queries[name]
        except KeyError:
            raise NotFound(f"no catalogue query named {name!r}") from None

    def __iter__(self):
        return iter(sorted(self.queries.values(), key=lambda q: q.name))

    def __len__(self) -> int:
        return len(self.queries)


_HEADER = re.compile(r"^//\s*(name|description|param|example|window):\s*(.*)$")


def parse_query_file(path: Path) -> CatalogueQuery:
    name = description = ""
    params: list[Param] = []
    example: dict[str, Any] = {}
    windowed = False
    window_default = "today"
    body: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _HEADER.match(line.strip())
        if match and not body:
            key, value = match.groups()
            if key == "name":
                name = value.strip()
            elif key == "description":
                description = f"{description} {value.strip()}".strip()
            elif key == "param":
                pname, ptype, *rest = value.split(None, 2)
                optional = ptype.endswith("?")
                ptype = ptype.rstrip("?")
                if ptype not in PARAM_TYPES:
                    raise ValueError(f"{path.name}: parameter {pname} has unknown type {ptype}")
                params.append(Param(pname, ptype, rest[0] if rest else "", optional))
            elif key == "example":
                example = json.loads(value)
            elif key == "window":
                window_default = value.strip().lower()
                if window_default not in ("today", "always"):
                    raise ValueError(f"{path.name}: window must be 'today' or 'always' (what a missing window means)")
                windowed = True
            continue
        if line.strip().startswith("//") and not body:
            description = f"{description} {line.strip()[2:].strip()}".strip()
            continue
        body.append(line)
    if name != path.stem:
        raise ValueError(f"{path.name}: header name {name!r} must match the file name")
    cypher = expand_fragments("\n".join(body).strip().rstrip(";"))
    if "@valid" in cypher:
        raise ValueError(f"{path.name}: a @valid fragment must name one variable, e.g. @valid(r)")
    declared = {p.name for p in params}
    used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", cypher))
    if windowed:
        # A windowed query reads the window through @valid(x), or (for "did
        # this day fall in the period" questions) some of its parameters.
        if not used & set(WINDOW_PARAMS):
            raise ValueError(f"{path.name}: declares a window but uses none of {', '.join(WINDOW_PARAMS)}")
        used -= set(WINDOW_PARAMS)
    if used != declared:
        raise ValueError(f"{path.name}: parameters used {sorted(used)} differ from declared {sorted(declared)}")
    return CatalogueQuery(name, description, tuple(params), example, cypher, path, windowed, window_default)


@lru_cache(maxsize=4)
def load_catalogue(folder: Path = QUERIES_DIR) -> Catalogue:
    catalogue = Catalogue()
    for path in sorted(folder.glob("*.cypher")):
        query = parse_query_file(path)
        catalogue.queries[query.name] = query
    return catalogue
