"""/entities/{id}/delegations and /paths/delegation."""

from __future__ import annotations

POD = "delegation:nhse-pod-to-icbs"


def delegations(api, node_id, direction, day):
    r = api.get(f"/entities/{node_id}/delegations", params={"direction": direction, "as_of": day})
    assert r.status_code == 200, r.text
    return r.json()


def test_nhse_delegates_pod_to_icbs_from_april_2023(api):
    before = delegations(api, "org:nhs-england", "out", "2023-03-31")
    after = delegations(api, "org:nhs-england", "out", "2023-04-01")
    assert POD not in [d["id"] for d in before["items"]]
    record = next(d for d in after["items"] if d["id"] == POD)
    assert record["by"]["id"] == "org:nhs-england"
    assert record["to"]["id"] == "type:icb"
    assert record["services"] and all(s["id"].startswith("service:") and s["name"] for s in record["services"])
    assert record["valid_from"] == "2023-04-01"
    assert record["status"] in ("in_force", "planned", "proposed", "delayed")
    assert record["evidence"] and {"source_id", "kind", "quote"} <= set(record["evidence"][0])
    assert record["accountability_retained_by"]["id"]
    assert record["via_type"] is None


def test_icb_type_receives_pod(api):
    assert POD in [d["id"] for d in delegations(api, "type:icb", "in", "2024-01-01")["items"]]
    assert POD not in [d["id"] for d in delegations(api, "type:icb", "in", "2022-07-01")["items"]]


def test_icb_instance_sees_delegation_to_its_type(api):
    """A real ICB (from the registers) sees NHS England's delegation to ICBs."""
    record = next(d for d in delegations(api, "org:ods-qxu", "in", "2024-01-01")["items"] if d["id"] == POD)
    assert record["via_type"] == "type:icb"
    assert POD not in [d["id"] for d in delegations(api, "org:ods-qxu", "in", "2023-03-01")["items"]]


def test_direction_in_out_differ(api):
    out_ids = [d["id"] for d in delegations(api, "type:icb", "out", "2024-01-01")["items"]]
    assert POD not in out_ids


def test_delegations_unknown_entity_404(api):
    r = api.get("/entities/org:nope/delegations")
    assert r.status_code == 404 and "org:nope" in r.json()["detail"]


def test_delegations_bad_direction_422(api):
    r = api.get("/entities/org:nhs-england/delegations", params={"direction": "sideways"})
    assert r.status_code == 422 and "direction" in r.json()["detail"]


# --- paths ---------------------------------------------------------------------


def pod_service(api):
    record = next(d for d in delegations(api, "org:nhs-england", "out", "2024-01-01")["items"] if d["id"] == POD)
    return record["services"][0]["id"]


def test_path_from_nhse_to_icbs(api):
    service = pod_service(api)
    r = api.get("/paths/delegation", params={"delegator": "org:nhs-england", "delegate": "type:icb", "service": service, "as_of": "2024-01-01"})
    assert r.status_code == 200, r.text
    paths = r.json()["paths"]
    assert paths
    path = next(p for p in paths if len(p["steps"]) == 1)
    assert path["holder"]["id"] == "org:nhs-england" and path["carried_out_by"]["id"] == "type:icb"
    step = path["steps"][0]
    assert step["delegation"]["id"] == POD
    assert step["accountable"]["id"]  # who stays accountable
    assert path["accountable"][0]["id"] == step["accountable"]["id"]
    rel = path["relationships"][0]
    assert rel["type"] == "DELEGATES_TO" and rel["from"] == "org:nhs-england" and rel["to"] == "type:icb"
    assert rel["evidence"]


def test_path_not_there_before_april_2023(api):
    service = pod_service(api)
    r = api.get("/paths/delegation", params={"delegator": "org:nhs-england", "delegate": "type:icb", "service": service, "as_of": "2023-03-31"})
    assert r.status_code == 200 and r.json()["paths"] == []


def test_path_by_service_only_starts_at_the_holder(api):
    service = pod_service(api)
    paths = api.get("/paths/delegation", params={"service": service, "as_of": "2024-01-01"}).json()["paths"]
    assert any(p["holder"]["id"] == "org:nhs-england" for p in paths)
    for p in paths:
        for rel in p["relationships"]:
            assert rel["valid_from"] is None or rel["valid_from"] <= "2024-01-01"


def test_path_service_not_delegated_gives_no_paths(api):
    r = api.get("/paths/delegation", params={"delegator": "org:nhs-england", "service": "service:urgent-and-emergency-care", "as_of": "2024-01-01"})
    assert r.status_code == 200 and r.json()["paths"] == []


def test_path_needs_an_end_or_a_service(api):
    r = api.get("/paths/delegation")
    assert r.status_code == 422
    assert "from" in r.json()["detail"]


def test_path_unknown_ids_404(api):
    r = api.get("/paths/delegation", params={"delegator": "org:nope"})
    assert r.status_code == 404 and "org:nope" in r.json()["detail"]
    r = api.get("/paths/delegation", params={"delegator": "org:nhs-england", "service": "service:nope"})
    assert r.status_code == 404 and "service:nope" in r.json()["detail"]
