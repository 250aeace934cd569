"""docs/coverage.md, section "Membership and accountability": what the
membership helper looked for and could not find (curated by hand, in a
module of its own so other areas' gap lists merge cleanly)."""

from __future__ import annotations

TITLE = "## Membership and accountability: what could not be found"

GAPS: tuple[str, ...] = (
    "The CCGs approved for delegated primary care commissioning: only a count is held for 2015/16 (63, NHS England board paper as quoted by HSJ), 2016/17 (114) and 2017/18 (174, GPonline); the NHS England board list of March 2015 and the later lists (Pulse and HSJ printed them) were not found as text in the stores searched (pages corpus, queries on the board papers of March 2015 and March 2016). Bradford City and Bradford Districts CCGs are named members for 2015/16 only (HSJ, March 2015), so a CCG's delegated commissioning in 2016/17-2020/21 is known by count, not by name, until the rule 'every CCG from 1 April 2021' (NHS England) names them all.",
    "Counts of delegated CCGs for 2018/19 to 2020/21, and of CCGs in joint commissioning after 2015/16, were not found.",
    "The nine POD early adopter ICBs of July 2022: the count (King's Fund 2023, NHS Confederation) is held, not the list. NHS England says 'some ICBs took on delegated responsibility for one or more pharmaceutical, ophthalmic, and dental functions' from 1 July 2022, so an early adopter may not have held all three; the graph's wave delegation names all three. A news report names Greater Manchester and Buckinghamshire, Oxfordshire and Berkshire West among the 'pilot' ICBs, but its sentence was truncated in the store, so no member is recorded.",
    "NHS trusts' accountability to their own SHA before 2013 needs trust-to-SHA links (PART_OF) that the registers held here do not give; only the type-level facts from 2012 (NHS TDA) are recorded. PCTs reach their own SHA wherever the register layer gives a dated PCT PART_OF SHA link (the ONS PCO-SHA lookups).",
    "Primary care groups to their health authority (1999-2002), health authorities to regional offices, and councils' public health duties (to whom a council answers for the public health grant) are not recorded as accountability facts: the 1990-2002 types are the eras helper's, and no primary source for a council's line of accountability was found beyond its own electorate.",
    "Monitor's legal role as the foundation trusts' regulator continued until 1 July 2022 while it worked as NHS Improvement from April 2016; the graph answers with NHS Improvement for 2016-2022 and says so in the fact's date_note.",
)


def lines() -> list[str]:
    return [TITLE, "", "Curated by hand.", "", *(f"- {gap}" for gap in GAPS), ""]
