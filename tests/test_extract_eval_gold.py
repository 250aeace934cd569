"""The named part of extraction's gold: a name counts where it occurs, but not
where it occurs only inside a longer occurring name of another entity."""

from __future__ import annotations

from types import SimpleNamespace

from nhskg.ingest.extract.evaluate import _named
from nhskg.ingest.kb import normalise_text

HA = SimpleNamespace(id="type:health-authority", name="health authority (1996-2002)", aliases=["health authorities", "HAs"])
SHA = SimpleNamespace(id="type:sha", name="strategic health authority", aliases=["strategic health authorities", "SHAs"])


def test_a_name_inside_a_longer_name_names_only_the_longer() -> None:
    text = normalise_text("Primary care trusts (PCTs) and strategic health authorities (SHAs) have been abolished.")
    assert _named([HA, SHA], text) == {"type:sha"}


def test_a_name_standing_alone_elsewhere_still_counts() -> None:
    text = normalise_text("The strategic health authorities replaced the health authorities in 2002.")
    assert _named([HA, SHA], text) == {"type:sha", "type:health-authority"}
