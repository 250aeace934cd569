"""Type facts reach real bodies from the registers, under the quantifier rules
(issue 9 item 4), and where sources disagree both claims are in the API
(issue 10)."""

from __future__ import annotations

SURREY_HEARTLANDS_ICB = "org:ods-qxu"
POD_SERVICES = {"service:pharmaceutical-services", "service:general-ophthalmic-services", "service:dental-services"}


def test_a_real_icb_answers_to_nhs_england_in_2024(api):
    body = api.get(f"/entities/{SURREY_HEARTLANDS_ICB}/accountability", params={"as_of": "2024-01-01"}).json()
    assert body["chains"], body
    for chain in body["chains"]:
        ids = [n["id"] for n in chain["nodes"]]
        assert ids[:2] == [SURREY_HEARTLANDS_ICB, "org:nhs-england"]
    step = body["chains"][0]["relationships"][0]
    assert step.get("derived") is True and step.get("inherited_from") == "type:icb"
    # Before the ICB existed there is nothing to answer for.
    assert api.get(f"/entities/{SURREY_HEARTLANDS_ICB}/accountability", params={"as_of": "2021-01-01"}).json()["chains"] == []


def test_a_real_icb_receives_pod_delegation_from_april_2023(api):
    def services(as_of: str) -> set[str]:
        items = api.get(f"/entities/{SURREY_HEARTLANDS_ICB}/delegations", params={"direction": "in", "as_of": as_of}).json()["items"]
        return {s["id"] for d in items for s in d["services"]}

    assert POD_SERVICES <= services("2023-04-01")
    assert not POD_SERVICES & services("2023-03-31")


def test_every_icb_commissions_dental_services_in_2024(api):
    icbs = api.get("/entities", params={"instance_of": "type:icb", "as_of": "2024-01-01", "limit": 200}).json()
    icb_ids = {i["id"] for i in icbs["items"]}
    assert icbs["total"] == len(icb_ids) > 0
    params = {"as_of": "2024-01-01", "include_parts": "false"}
    items = api.get("/services/service:dental-services/commissioners", params={**params, "instances": "list"}).json()["items"]
    commissioning = {i["commissioner"]["id"] for i in items}
    assert icb_ids <= commissioning
    basis = {i["basis"] for i in items if i["commissioner"]["id"] in icb_ids}
    assert basis == {"delegated"}
    grouped = api.get("/services/service:dental-services/commissioners", params={**params, "expand": "instances"}).json()["items"]
    icb_row = next(i for i in grouped if i["commissioner"]["id"] == "type:icb")
    assert set(icb_row["instances"]) == icb_ids and icb_row["instance_count"] == len(icb_ids) and icb_row["basis"] == "delegated"


def test_a_may_delegation_reaches_no_particular_icb(api):
    """ICBs *may* delegate to place-based partnerships: the type says so, no ICB inherits it."""
    by_type = api.get("/entities/type:icb/delegations", params={"direction": "out", "as_of": "2024-01-01"}).json()["items"]
    may = [d for d in by_type if d["id"] == "delegation:icb-functions-to-place-based-partnerships"]
    assert may and may[0]["quantifier"] == "may"
    sub = api.get("/subgraph", params={"seed": SURREY_HEARTLANDS_ICB, "depth": 1, "as_of": "2024-01-01", "max_nodes": 1000}).json()
    assert not [e for e in sub["edges"] if e["type"] == "DELEGATES_TO" and e["from"] == SURREY_HEARTLANDS_ICB]


def test_health_visiting_moves_in_october_2015_and_the_corpus_claim_stays_visible(api):
    def commissioners(as_of: str, **extra) -> dict[str, list[dict]]:
        items = api.get("/services/service:health-visiting/commissioners", params={"as_of": as_of, "include_parts": "false", **extra}).json()["items"]
        out: dict[str, list[dict]] = {}
        for i in items:
            out.setdefault(i["commissioner"]["id"], []).append(i)
        return out

    assert "org:nhs-england" in commissioners("2014-06-01")
    assert "type:local-authority" not in commissioners("2014-06-01")
    assert "type:local-authority" in commissioners("2016-06-01")
    # The corpus's "since 2013" claim is kept, superseded, and shown when asked.
    everything = commissioners("2014-06-01", status="any")
    superseded = [i for i in everything.get("type:local-authority", []) if i["status"] == "superseded"]
    assert superseded and superseded[0]["evidence"][0]["kind"] == "quote"
