"""Every error a user can cause is a 4xx naming the problem, never a 500."""

from __future__ import annotations

import pytest

AS_OF_ENDPOINTS = [
    "/entities",
    "/entities/type:icb/accountability",
    "/entities/type:icb/delegations",
    "/services/service:sexual-health/commissioners",
    "/paths/delegation?delegator=org:nhs-england",
    "/subgraph?seed=type:icb",
    "/queries/accountability_chains?id=type:icb",
    "/entities/org:nhs-england/accountable-bodies",
    "/statutes/statute:health-and-social-care-act-2012/effects",
    "/changes",
    "/services/service:dental-services/timeline",
    "/budgets",
]


@pytest.mark.parametrize("url", AS_OF_ENDPOINTS)
@pytest.mark.parametrize("bad", ["2013-13-01", "yesterday", "01/04/2013", "2013-02-30", "2013-4-1x"])
def test_malformed_as_of_is_422_naming_as_of(api, url, bad):
    sep = "&" if "?" in url else "?"
    r = api.get(f"{url}{sep}as_of={bad}")
    assert r.status_code == 422, r.text
    assert "as_of" in r.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/entities/org:nope",
        "/entities/org:nope/accountability",
        "/entities/org:nope/delegations",
        "/entities/org:nope/history",
        "/services/org:nope/commissioners",
        "/subgraph?seed=org:nope",
        "/paths/delegation?delegate=org:nope",
        "/budgets?holder=org:nope",
        "/sources/org:nope",
        "/entities/org:nope/accountable-bodies",
        "/statutes/org:nope/effects",
        "/services/org:nope/timeline",
        "/entities?instance_of=org:nope",
        "/entities?part_of=org:nope",
    ],
)
def test_unknown_id_is_404_naming_it(api, url):
    r = api.get(url)
    assert r.status_code == 404, r.text
    assert "org:nope" in r.json()["detail"]


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/entities?label=Banana", "label"),
        ("/entities?limit=0", "limit"),
        ("/entities?limit=501", "limit"),
        ("/entities?offset=-1", "offset"),
        ("/entities?limit=lots", "limit"),
        ("/subgraph?seed=type:icb&depth=5", "depth"),
        ("/subgraph?seed=type:icb&depth=-1", "depth"),
        ("/subgraph?seed=type:icb&format=gexf", "format"),
        ("/subgraph?seed=type:icb&labels=Banana", "labels"),
        ("/entities/type:icb/delegations?direction=up", "direction"),
        ("/services/service:sexual-health/commissioners?include_parts=perhaps", "include_parts"),
        ("/budgets?fiscal_year=2017-18", "fiscal_year"),
        ("/sources/source:kingsfund-2023?limit=99999", "limit"),
        ("/queries/entity_search?limit=1&offset=0&label=1&nope=2", "nope"),
        ("/changes?kind=founded", "kind"),
        ("/changes?limit=2001", "limit"),
        ("/changes?from=2014-01-01&to=2013-01-01", "from"),
        ("/changes?as_of=2013-04-01&from=2013-01-01", "as_of"),
        ("/entities/org:nhs-england/accountable-bodies?limit=0", "limit"),
        ("/services/service:dental-services/timeline?expand=everything", "expand"),
        ("/services/service:dental-services/commissioners?expand=everything", "expand"),
        ("/entities?code=", "code"),
        ("/entities?status=sort_of", "status"),
        ("/budgets?offset=100001", "offset"),
    ],
)
def test_bad_parameter_is_422_naming_it(api, url, param):
    r = api.get(url)
    assert r.status_code == 422, r.text
    assert param in r.json()["detail"]


def test_label_error_lists_known_labels(api):
    detail = api.get("/entities?label=Banana").json()["detail"]
    assert "Organisation" in detail and "OrganisationType" in detail and "Service" in detail


@pytest.mark.parametrize(
    "url",
    [
        "/entities?q=%27%29%20RETURN%201%20//",
        "/entities?q=%00",
        "/entities?q=" + "x" * 200,
        "/entities/%27%7D%29%20DETACH%20DELETE%20n%20//",
        "/entities/%F0%9F%92%A9/history",
        "/subgraph?seed=%22&labels=,,,",
        "/paths/delegation?service=service:sexual-health&delegator=&delegate=",
        "/queries/entity_briefs?ids=",
        "/queries/subgraph_neighbours?ids=a,b&limit=-5",
        "/queries/entity_search?limit=5&offset=-3",
        "/budgets?holder=",
        "/queries/entity_search?limit=99999999999999999999&offset=0",
    ],
)
def test_odd_input_never_500(api, url):
    r = api.get(url)
    assert r.status_code < 500, r.text


def test_graph_unchanged_after_hostile_input(api):
    before = api.get("/health").json()
    api.get("/entities/%27%7D%29%20DETACH%20DELETE%20n%20//")
    api.get("/queries/entity_search", params={"q": "x'}) DETACH DELETE n //", "limit": 1, "offset": 0})
    assert api.get("/health").json() == before
