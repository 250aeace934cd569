"""Names that say what a body is, in one style for every register body.

The registers spell names their own way: ODS in capitals ("NORTH LONDON NHS
FOUNDATION TRUST"), the ONS 2012 lookup by place only ("Surrey" for a PCT and
"South East Coast" for an SHA), the ONS 2013 CCG file without "CCG" ("NHS
Gateshead"). A researcher reading `/changes` must see what each body is, so:

- the `name` is the register name in title case (NHS, ICB, CCG and other
  initialisms kept in capitals; "and", "of", "the" in lower case inside a
  name) with the type's short form added where the register name lacks it:
  "Surrey PCT", "South East Coast SHA", "NHS Gateshead CCG";
- every spelling the registers used stays an alias (search finds it), with the
  usual short forms: "Surrey Heartlands ICB" for "NHS Surrey Heartlands
  Integrated Care Board", and the "NHS <place>" trading style of PCTs and SHAs;
- a body the shipped registers hold only as a code gets a name built from its
  type and code that says so: "PCT 5HH (unnamed in the registers)".

`display_name(role, names)` is the one entry point; docs/registers.md
describes the style.
"""

from __future__ import annotations

import re

# Written in capitals wherever they occur (initialisms and roman numerals).
UPPER = {
    "NHS", "ICB", "CCG", "PCT", "SHA", "STP", "ICS", "UK", "GP", "II", "III", "IV", "CIC", "CYPMHS", "SMHPC",
    "2GETHER", "HQ", "LLP", "PLC", "SICBL",
}
# Written in lower case inside a name (never as its first word).
LOWER = {"and", "of", "the", "for", "upon", "on", "in", "with", "at", "to", "by", "&"}

UNNAMED = "(unnamed in the registers)"

# role -> (the type's short form, the words that show the name already has it)
SUFFIX: dict[str, tuple[str, tuple[str, ...]]] = {
    "primary care trust": ("PCT", ("PCT", "Primary Care Trust", "Care Trust")),
    "care trust (primary care organisation)": ("Care Trust", ("Care Trust",)),
    "strategic health authority": ("SHA", ("SHA", "Strategic Health Authority")),
    "clinical commissioning group": ("CCG", ("CCG", "Clinical Commissioning Group")),
    "primary care group": ("PCG", ("PCG", "Primary Care Group")),
    # ONS names a non-metropolitan county's area ("Cumbria"); its council is "Cumbria County Council"
    # (Local Government Act 1972 s.2(3)); a renamed unitary ("Somerset Council") keeps its name.
    "county council": ("County Council", ("Council",)),
}
# role -> the type as a reader says it, for bodies known only by their code.
CODE_ONLY = {
    "primary care trust": "PCT",
    "care trust (primary care organisation)": "Care trust",
    "strategic health authority": "SHA",
    "primary care group": "PCG",
    "NHS trust": "NHS trust",
    "NHS foundation trust": "NHS foundation trust",
    "integrated care board": "ICB",
}


def _word(word: str, first: bool) -> str:
    if not word:
        return word
    core = word.strip("()[],.'\"")
    if core.upper() in UPPER:
        return word.replace(core, core.upper())
    if not first and word.lower() in LOWER:
        return word.lower()
    # Capitalise each part of a hyphenated or bracketed word: "Stoke-on-Trent",
    # "(Wessex)"; "children's" -> "Children's" (only the first letter).
    parts = re.split(r"([-/(])", word.lower())
    out = []
    for i, part in enumerate(parts):
        if part and part[0].isalpha() and not (i > 0 and part in LOWER and parts[i - 1] == "-"):
            part = part[0].upper() + part[1:]
        out.append(part)
    return "".join(out)


def title_case(name: str) -> str:
    """'NORTH LONDON NHS FOUNDATION TRUST' -> 'North London NHS Foundation Trust'.
    A name already in mixed case is the publisher's own spelling and is kept
    (but for a capitalised "And", "Of" or "The" inside it)."""
    name = " ".join(name.split())
    if not name:
        return name
    if not name.isupper():
        # A mixed-case publisher spelling is kept, except "And"/"Of"/"The" inside a name
        # (the NHS Choices feed's "Kent And Medway"; ONS writes "Kent and Medway").
        words = name.split(" ")
        return " ".join(w.lower() if i and w in ("And", "Of", "The") else w for i, w in enumerate(words))
    words = name.split(" ")
    return " ".join(_word(w, i == 0) for i, w in enumerate(words))


def with_type(role: str, name: str) -> str:
    """The name with the type's short form added where the register left it out."""
    rule = SUFFIX.get(role)
    if rule is None:
        return name
    short, shows = rule
    if any(name.endswith(s) or f" {s} " in f" {name} " for s in shows):
        return name
    return f"{name} {short}"


def code_only(role: str, code: str) -> str:
    """The name of a body the shipped registers hold only as a code."""
    return f"{CODE_ONLY.get(role, role)} {code} {UNNAMED}"


def short_forms(role: str, name: str) -> list[str]:
    """Usual short names a reader searches by (aliases, never the `name`)."""
    out: list[str] = []
    if UNNAMED in name:
        return out
    if role == "integrated care board" and name.endswith("Integrated Care Board"):
        stem = name.removesuffix("Integrated Care Board").strip()
        out += [f"{stem} ICB", f"{stem.removeprefix('NHS ').strip()} ICB"]
    if role in ("primary care trust", "strategic health authority") and not name.startswith("NHS "):
        # PCTs and SHAs traded as "NHS <place>" (NHS Havering, NHS South East Coast).
        place = name.removesuffix(" PCT").removesuffix(" SHA").removesuffix(" Teaching")
        out.append(f"NHS {place}")
    if role == "clinical commissioning group" and name.endswith(" CCG"):
        out.append(name.removeprefix("NHS ").strip())
    return [o for o in dict.fromkeys(out) if o and o != name]


def display_name(role: str, names: list[str]) -> tuple[str, list[str]]:
    """(the name to show, aliases) from the register spellings, latest last."""
    if not names:
        return "", []
    readable = [n for n in names if not n.isupper()]
    base = readable[-1] if readable and readable[-1].casefold() == names[-1].casefold() else names[-1]
    name = with_type(role, title_case(base))
    aliases = [n for n in dict.fromkeys(names) if n != name]
    aliases += [a for a in short_forms(role, name) if a not in aliases]
    return name, aliases
