"""A commissioner listed twice for a service is two cited facts, not one
repeated: a body that commissions the service itself and, separately, a part
of it (PART_OF) has one row for each, the second naming the part in `via`.
The audit's reading of acute care in 1995 (type:dha twice) and 2005 (type:pct
twice) pinned here, both sides of the 1996 and 2013 boundaries."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

ACUTE = "service:acute-care"
ELECTIVE = "service:elective-hospital-care"


def _rows(api: TestClient, service: str, day: str) -> list[dict]:
    r = api.get(f"/services/{service}/commissioners", params={"as_of": day})
    assert r.status_code == 200, r.text
    return r.json()["items"]


@pytest.mark.parametrize(
    ("day", "body", "before", "after"),
    [
        ("1995-06-01", "type:dha", "1991-04-01", "1996-04-01"),
        ("2005-06-01", "type:pct", "2002-04-01", "2013-04-01"),
    ],
)
def test_a_body_twice_is_the_service_and_a_part_of_it(api: TestClient, day: str, body: str, before: str, after: str) -> None:
    rows = _rows(api, ACUTE, day)
    # No fact is listed twice.
    assert all(n == 1 for n in Counter(r["relationship_id"] for r in rows).values())
    assert sorted((r["via"] or {}).get("id", "") for r in rows if r["commissioner"]["id"] == body) == ["", ELECTIVE]
    direct, part = (next(r for r in rows if r["commissioner"]["id"] == body and (r["via"] or {}).get("id") == v) for v in (None, ELECTIVE))
    assert direct["relationship_id"] != part["relationship_id"]
    assert (direct["valid_from"], direct["valid_to"]) == (part["valid_from"], part["valid_to"]) == (before, after)
    assert direct["evidence"] and part["evidence"]
    # The `via` row is the fact /services/{part}/commissioners answers itself.
    assert part["relationship_id"] in {r["relationship_id"] for r in _rows(api, ELECTIVE, day) if r["commissioner"]["id"] == body and r["via"] is None}
    # Neither holds outside its dates (the day before and the day it ends).
    for outside in ((date.fromisoformat(before) - timedelta(days=1)).isoformat(), after):
        assert not {direct["relationship_id"], part["relationship_id"]} & {r["relationship_id"] for r in _rows(api, ACUTE, outside)}
