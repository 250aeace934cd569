"""Relations stated in a sentence, from trigger-phrase patterns between mentions.

How: each sentence is rewritten as a template in which every entity mention
is a placeholder "⟦i⟧" ("⟦0⟧ is directly accountable to ⟦1⟧ for ..."). A rule
is a regular expression over that template with named groups L and R that
capture one mention or a coordinated group ("⟦0⟧, ⟦1⟧ and ⟦2⟧"), plus the
labels each side may have. Gaps between a mention and its trigger may not
cross another mention, a clause break or a negation, which is what stops a
sentence that merely names two bodies from relating them.

Why rules and not a trained model: no model can be downloaded here, the
relations are few and phrased formulaically in NHS prose, and every proposed
fact must come with the sentence that states it for review anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nhskg.core.vocabulary import vocabulary

from nhskg.ingest.extract.mentions import Mention, fold
from nhskg.ingest.extract.sentences import Sentence
from nhskg.ingest.extract.values import DateMention

ENT = r"⟦\d+⟧"
PAREN = r"(?:\s*\([^()]*\))?"
SEP = r"(?:\s*,\s*(?:and\s+|or\s+|as well as\s+)?|\s+(?:and|or|as well as|along with|together with)\s+)"
DET = r"(?:(?:the|a|an|its|their|each|every|all|some|many|most|other|local|new|more)\s+)*"
GRP = rf"{ENT}{PAREN}(?:{SEP}{DET}{ENT}{PAREN})*"
# A list of objects: runs to the end of the clause.
LIST = rf"{ENT}(?:(?!\bbut\b|\bexcept\b|\bexcluding\b|\bwith the exception\b|\bwhile\b|\bwhereas\b|\bnot\b)[^;])*"
NEG = r"(?!\b(?:not|never|no longer|but|which|who|whom|although|whereas|while|except|unless|nor)\b|n't)"


def gap(n: int) -> str:
    """Up to n characters without a mention, clause break or negation."""
    return rf"(?:{NEG}[^⟦⟧;:?!]){{0,{n}}}?"


# The labels extraction can find mentions of: every entity label the
# vocabulary declares that is not a record of its own (budgets, delegations,
# counts and sources are records, not mentions).
ANY = frozenset(name for name, spec in vocabulary().labels.items() if spec.record is None)
ORGS = frozenset({"Organisation", "OrganisationType"})
BODIES = ORGS | {"Arrangement"}
SERVICES = frozenset({"Service"})
INSTRUMENTS = frozenset({"Statute", "StatuteSection", "Policy"})


@dataclass(frozen=True)
class Rule:
    name: str
    type: str
    pattern: re.Pattern[str]
    from_group: str  # "L" or "R": which side is the relation's from
    from_labels: frozenset[str]
    to_labels: frozenset[str]
    confidence: float = 0.8


def _rule(name: str, type_: str, rx: str, from_group: str, from_labels: frozenset[str], to_labels: frozenset[str],
          confidence: float = 0.8) -> Rule:
    # A rule never proposes what the vocabulary does not allow the type to connect.
    spec = vocabulary().relationships[type_]
    return Rule(name, type_, re.compile(rx, re.I), from_group, from_labels & set(spec.from_labels), to_labels & set(spec.to_labels), confidence)


_BE = r"(?:is|are|was|were|be|been|being|has been|have been|had been|will be|would be)"

RULES: list[Rule] = [
    # --- commissions ---------------------------------------------------------------------
    _rule("commissions-active", "COMMISSIONS",
          rf"(?P<L>{GRP}){gap(60)}\b(?:commission|commissions|commissioned|(?:responsib\w*|role|duty|duties|functions?|involved|involvement|accountable commissioner)\s+(?:for|in|of)\s+(?:the\s+)?(?:\w+ly\s+)?(?:commissioning|commissioner)(?:\s+of)?|(?:plan and )?commission)\b{gap(50)}(?P<R>{LIST})",
          "L", BODIES, SERVICES),
    _rule("commissions-passive", "COMMISSIONS",
          rf"(?P<R>{GRP}){gap(40)}\b(?:{_BE}\s+)?(?:\w+ly\s+)?commissioned\s+(?:\w+ly\s+)?by\s+(?:the\s+)?(?P<L>{GRP})",
          "L", BODIES, SERVICES),
    _rule("commissions-passed-to", "COMMISSIONS",
          rf"\bresponsibilit\w*\s+for\s+commissioning\s+{gap(30)}(?P<R>{GRP}){gap(30)}\b(?:passed|transferred|moved|went|was given|were given)\s+to\s+(?:the\s+)?(?P<L>{GRP})",
          "L", BODIES, SERVICES),
    # --- accountable to ------------------------------------------------------------------
    _rule("accountable-to", "ACCOUNTABLE_TO",
          rf"(?P<L>{GRP}){gap(50)}\b(?:accountable|answerable|responsible|reports?|reporting)\s+to\s+(?:the\s+)?(?P<R>{GRP})",
          "L", BODIES, ORGS),
    _rule("held-to-account-by", "ACCOUNTABLE_TO",
          rf"(?P<L>{GRP}){gap(50)}\bheld\s+to\s+account\s+(?:{gap(30)})?by\s+(?:the\s+)?(?P<R>{GRP})",
          "L", BODIES, ORGS),
    _rule("holds-to-account", "ACCOUNTABLE_TO",
          rf"(?P<R>{GRP}){gap(40)}\bholds?\s+(?:the\s+)?(?P<L>{GRP})\s+to\s+account",
          "L", BODIES, ORGS),
    # --- delegates to ----------------------------------------------------------------------
    _rule("delegates-to", "DELEGATES_TO",
          rf"(?P<L>{GRP}){gap(60)}\bdelegat(?:e|es|ed|ing)\b(?P<S>[^;⟦]{{0,80}}?(?:{ENT}[^;⟦]{{0,60}}?)*?)\bto\s+{DET}(?P<R>{GRP})",
          "L", BODIES, BODIES),
    _rule("delegation-of-possessive", "DELEGATES_TO",
          rf"\bdelegation\s+of\s+(?:the\s+)?(?P<L>{ENT})'s?(?P<S>[^;]{{0,120}}?)\bto\s+{DET}(?P<R>{GRP})",
          "L", BODIES, BODIES),
    _rule("delegation-from", "DELEGATES_TO",
          rf"\bdelegat\w*\s+(?P<S>[^;]{{0,120}}?)\bfrom\s+(?:the\s+)?(?P<L>{GRP})\s+to\s+{DET}(?P<R>{GRP})",
          "L", BODIES, BODIES),
    _rule("delegated-to-by", "DELEGATES_TO",
          rf"\bdelegated\s+to\s+{DET}(?P<R>{GRP})\s+(?:by|from)\s+(?:the\s+)?(?P<L>{GRP})",
          "L", BODIES, BODIES),
    _rule("delegated-role-with", "DELEGATES_TO",
          rf"(?P<R>{GRP}){gap(40)}\b(?:fully\s+)?delegated\s+(?:role|responsibilit\w*|functions?|duties)\b(?P<S>[^;]{{0,120}}?)\bwith\s+(?:the\s+)?(?P<L>{GRP})",
          "L", BODIES, BODIES, 0.7),
    # --- established / put on a statutory footing by ------------------------------------------
    _rule("established-by", "ESTABLISHED_BY",
          rf"(?P<L>{GRP}){gap(60)}\b{_BE}\s+(?:\w+ly\s+)?(?:established|created|set up|formed|introduced|(?:put|placed)\s+on\s+a\s+statutory\s+(?:footing|basis)|given\s+(?:a\s+)?statutory\s+(?:footing|basis|status)|made\s+statutory)\s+(?:by|under|through|in)\s+(?:the\s+)?(?P<R>{GRP})",
          "L", BODIES, INSTRUMENTS),
    _rule("establishes", "ESTABLISHED_BY",
          rf"(?P<R>{GRP}){gap(40)}\b(?:established|establishes|establish|created|creates|create|set up|sets up|introduced|introduces|put|puts|placed|places)\s+{DET}(?P<L>{GRP})(?:\s+on\s+a\s+statutory\s+(?:footing|basis))?",
          "L", BODIES, INSTRUMENTS),
    # --- abolished by -------------------------------------------------------------------------
    _rule("abolished-by", "ABOLISHED_BY",
          rf"(?P<L>{GRP}){gap(60)}\b(?:{_BE}\s+)?(?:\w+ly\s+)?abolished\s+(?:by|under|through|in)\s+(?:the\s+)?(?P<R>{GRP})",
          "L", BODIES, INSTRUMENTS),
    _rule("abolishes", "ABOLISHED_BY",
          rf"(?P<R>{GRP}){gap(40)}\babolish(?:ed|es)?\s+{DET}(?P<L>{GRP})",
          "L", BODIES, INSTRUMENTS),
    # --- succeeded by / took over from --------------------------------------------------------
    _rule("replaced", "SUCCEEDED_BY",
          rf"(?P<R>{GRP}){gap(50)}\b(?:replaced|replace|replaces|replacing|succeeded|succeed|succeeds|superseded|supersede|supersedes|took\s+over\s+from|taken\s+over\s+from|take\s+over\s+from|takes\s+over\s+from|taking\s+over\s+from)\s+{DET}(?P<L>{GRP})",
          "L", BODIES, BODIES),
    _rule("replaced-by", "SUCCEEDED_BY",
          rf"(?P<L>{GRP}){gap(50)}\b{_BE}\s+(?:\w+ly\s+)?(?:replaced|succeeded|superseded)\s+by\s+{DET}(?P<R>{GRP})",
          "L", BODIES, BODIES),
    _rule("took-over-previously-held", "SUCCEEDED_BY",
          rf"(?P<R>{GRP}){gap(30)}\b(?:have|has|had)?\s*(?:taken|took|take|takes)\s+over\b[^;]{{0,160}}?\b(?:previously|formerly)\s+(?:held|exercised|carried out|performed|provided|done)\s+by\s+{DET}(?P<L>{GRP})",
          "L", BODIES, BODIES, 0.7),
    _rule("predecessors", "SUCCEEDED_BY",
          rf"^[^⟦]*(?P<R>{ENT})[^;]*?\b(?:their|its)\s+(?:predecessors?|forerunners?)\s*,?\s*(?:the\s+)?(?P<L>{GRP})",
          "L", BODIES, BODIES, 0.7),
    _rule("successors", "SUCCEEDED_BY",
          rf"^[^⟦]*(?P<L>{ENT})[^;]*?\b(?:their|its)\s+(?:successors?)\s*,?\s*(?:the\s+)?(?P<R>{GRP})",
          "L", BODIES, BODIES, 0.7),
    _rule("renamed", "RENAMED_TO",
          rf"(?P<L>{GRP}){gap(30)}\b(?:{_BE}\s+)?renamed\s+(?:as\s+)?(?:the\s+)?(?P<R>{GRP})",
          "L", BODIES, BODIES),
    _rule("formerly", "RENAMED_TO",
          rf"(?P<R>{ENT})\s*(?:\(|,)\s*(?:formerly|previously)(?:\s+known\s+as|\s+called)?\s+(?:the\s+)?(?P<L>{ENT})",
          "L", BODIES, BODIES),
    # --- part of / member of ------------------------------------------------------------------
    _rule("part-of", "PART_OF",
          rf"(?P<L>{GRP}){gap(40)}\b(?:is|are|was|were|be|become|becomes|became|form|forms|formed|as)\s+(?:now\s+)?(?:a\s+|an\s+)?(?:key\s+)?part\s+of\s+{DET}(?P<R>{GRP})",
          "L", ANY, ANY),
    _rule("made-up-of", "PART_OF",
          rf"(?P<R>{GRP}){gap(60)}\b(?:is|are|was|were)\s+(?:made\s+up|comprised|composed)\s+of\b[^;⟦]{{0,40}}?(?P<L>{GRP})",
          "L", ANY, ANY),
    _rule("committee-of", "PART_OF",
          rf"(?P<L>{GRP}){gap(60)}\b(?:committees?|sub-committees?|subcommittees?|sub-groups?)\s+of\s+{DET}(?P<R>{GRP})",
          "L", BODIES, BODIES),
    _rule("member-of", "MEMBER_OF",
          rf"(?P<L>{GRP}){gap(40)}\b(?:is|are|was|were|be|become|becomes|became|as)\s+(?:now\s+)?(?:a\s+|the\s+)?(?:members?|partners?)\s+(?:of|in)\s+{DET}(?P<R>{GRP})",
          "L", BODIES, BODIES),
    _rule("groups-of", "MEMBER_OF",
          rf"(?P<R>{GRP})\s+(?:is|are)\s+(?:a\s+)?(?:groups?|membership\s+organisations?)\s+of\s+{DET}(?P<L>{GRP})",
          "L", BODIES, BODIES),
    _rule("of-which-member", "MEMBER_OF",
          rf"(?P<R>{GRP})[^;⟦]{{0,20}}?\b(?:on|of|in)\s+which\s+(?P<L>{GRP}){gap(30)}\b(?:can\s+|may\s+)?(?:sit|serve|is|are)\s+(?:as\s+)?(?:a\s+)?(?:members?|partners?)(?:\s+along\s+with\s+(?P<L2>{GRP}))?",
          "L", BODIES, BODIES),
    # --- other relations of the schema ------------------------------------------------------
    _rule("assures", "ASSURES",
          rf"(?P<L>{GRP}){gap(50)}\b(?:assures|assuring|assure)\s+(?:the\s+quality\s+of\s+)?{DET}(?P<R>{GRP})",
          "L", BODIES, BODIES),
    _rule("regulates", "REGULATES",
          rf"(?P<L>{GRP}){gap(30)}\b(?:regulates|regulating|regulate|(?:sector\s+|system\s+|independent\s+)?regulator\s+(?:for|of))\s+{DET}(?P<R>{GRP})",
          "L", BODIES, ANY),
    _rule("has-regard-to", "HAS_REGARD_TO",
          rf"(?P<L>{GRP}){gap(30)}\bhave\s+regard\s+to\b[^;]{{0,40}}?(?P<R>{ENT}(?:[^⟦;]{{0,6}}{ENT})*)",
          "L", BODIES, INSTRUMENTS, 0.7),
    _rule("supports", "SUPPORTS",
          rf"(?P<L>{GRP}){gap(40)}\b(?:provides?\s+support\s+(?:for|to)|supports?|supporting)\b{gap(60)}(?P<R>{LIST})",
          "L", BODIES, ORGS, 0.6),
    _rule("advises", "ADVISES",
          rf"(?P<L>{GRP}){gap(60)}\b(?:advises?|advising|(?:providing|provide|provides|give|gives|giving)\s+advice)\b[^;⟦]{{0,60}}?\bto\s+(?:the\s+)?(?P<R>{GRP})",
          "L", BODIES, BODIES, 0.7),
    _rule("produces", "PRODUCES",
          rf"(?P<L>{GRP}){gap(50)}\b(?:responsible\s+for\s+(?:producing|developing|preparing|publishing)|produces?|develops?|publishes|prepares?|to\s+develop|to\s+produce)\b{gap(40)}(?P<R>{GRP})",
          "L", BODIES, frozenset({"Policy"}), 0.7),
    _rule("sets-out", "SETS_OUT",
          rf"(?P<L>{GRP}){gap(40)}\b(?:sets?\s+out|set\s+out|requires?|required)\b{gap(40)}(?P<R>{LIST})",
          "L", INSTRUMENTS, ANY - {"Area"}, 0.6),
]

_PLANNED = re.compile(r"\b(?:will|would|shall|plans?\s+to|planned|planning\s+to|intends?|intended|intention|is\s+set\s+to|are\s+set\s+to|due\s+to\s+be|expected\s+to|going\s+to|envisage\w*|aims?\s+to)\b", re.I)
_PROPOSED = re.compile(r"\bpropos\w*", re.I)
_DELAYED = re.compile(r"\bdelay\w*", re.I)
_FROM_QUALIFIERS = {"since", "from", "on", "in", "as of", "after", "during"}


def sentence_status(sentence: str) -> str:
    """in_force unless the sentence talks about the future, a proposal or a delay."""
    if _DELAYED.search(sentence):
        return "delayed"
    if _PROPOSED.search(sentence):
        return "proposed"
    if _PLANNED.search(sentence):
        return "planned"
    return "in_force"


def sentence_dates(dates: list[DateMention]) -> tuple[str | None, str | None, str | None]:
    """(valid_from, valid_to, the date text used) from the dates a sentence gives."""
    valid_from = valid_to = None
    used: list[str] = []
    for d in dates:
        if d.qualifier in ("until", "to", "before") and valid_to is None:
            valid_to = d.iso
            used.append(d.text)
        elif valid_from is None and (d.qualifier in _FROM_QUALIFIERS or d.qualifier is None and d.precision in ("day", "month")):
            valid_from = d.iso
            used.append(d.text)
    if valid_from and valid_to and valid_from >= valid_to:
        valid_to = None
    return valid_from, valid_to, ", ".join(used) or None


def basis_of(sentence: str) -> str:
    """The commissioning basis a sentence implies; statutory unless it says otherwise."""
    s = sentence.lower()
    if "co-commission" in s:
        return "co-commissioned"
    if "delegat" in s:
        return "delegated"
    if re.search(r"\bjoint(?:ly)?\s+commission", s):
        return "joint"
    if re.search(r"\bdirect(?:ly)?\s+commission|commissioned\s+directly|commissioning\s+directly", s):
        return "direct"
    return "statutory"


@dataclass
class RelationCandidate:
    type: str
    from_: Mention
    to: Mention
    sentence: Sentence
    rule: str
    confidence: float
    valid_from: str | None = None
    valid_to: str | None = None
    date_note: str | None = None
    status: str = "in_force"
    basis: str | None = None
    services: list[Mention] = field(default_factory=list)


def template(sentence: Sentence, mentions: list[Mention]) -> tuple[str, list[Mention]]:
    """The sentence with each mention replaced by ⟦i⟧ (Areas stay as words: they are settings, not parties)."""
    parts: list[str] = []
    used: list[Mention] = []
    pos = sentence.start
    text = fold(sentence.text)
    for m in mentions:
        if m.label == "Area" or m.start < pos or m.end > sentence.end:
            continue
        parts.append(text[pos - sentence.start:m.start - sentence.start])
        parts.append(f"⟦{len(used)}⟧")
        used.append(m)
        pos = m.end
    parts.append(text[pos - sentence.start:])
    return "".join(parts), used


def _indices(fragment: str | None, skip_parens: bool = True) -> list[int]:
    if not fragment:
        return []
    if skip_parens:
        fragment = re.sub(r"\([^()]*\)", "", fragment)
    return [int(i) for i in re.findall(r"⟦(\d+)⟧", fragment)]


def find_relations(sentence: Sentence, mentions: list[Mention], dates: list[DateMention],
                   previous: Sentence | None = None, previous_mentions: list[Mention] | None = None) -> list[RelationCandidate]:
    """Every rule over one sentence; duplicates (same type, from, to) keep the most confident."""
    tpl, used = template(sentence, mentions)
    if len(used) < 2 and "abolished" not in tpl:
        return []
    status = sentence_status(sentence.text)
    valid_from, valid_to, note = sentence_dates(dates)
    found: dict[tuple[str, str, str], RelationCandidate] = {}

    def emit(type_: str, frm: Mention, to: Mention, rule: str, conf: float, services: list[Mention]) -> None:
        if frm.key == to.key:
            return
        c = round(min(conf, frm.confidence, to.confidence), 2)
        key = (type_, frm.key, to.key)
        if key in found and found[key].confidence >= c:
            return
        found[key] = RelationCandidate(
            type_, frm, to, sentence, rule, c, valid_from, valid_to, note, status,
            basis_of(sentence.text) if type_ == "COMMISSIONS" else None, services,
        )

    for rule in RULES:
        for m in rule.pattern.finditer(tpl):
            left = _indices(m.group("L")) + _indices(m.groupdict().get("L2"))
            right = _indices(m.group("R"), skip_parens=rule.type != "COMMISSIONS")
            services = [used[i] for i in _indices(m.groupdict().get("S"), False) if used[i].label == "Service"]
            froms, tos = (left, right) if rule.from_group == "L" else (right, left)
            for fi in froms:
                for ti in tos:
                    frm, to = used[fi], used[ti]
                    if frm.label in rule.from_labels and to.label in rule.to_labels:
                        emit(rule.type, frm, to, rule.name, rule.confidence, services)
    # "X have been abolished" with the abolishing Act named in this or the previous sentence.
    if re.search(r"\b(?:was|were|been|be)\s+abolished\b(?!\s+(?:by|under|through|in)\b)", tpl, re.I):
        m = re.search(rf"(?P<L>{GRP}){gap(40)}\b(?:was|were|been|be)\s+abolished\b", tpl, re.I)
        if m:
            statutes = [x for x in used if x.label == "Statute"]
            if not statutes and previous is not None and previous.paragraph == sentence.paragraph:
                statutes = [x for x in (previous_mentions or []) if x.label == "Statute"]
            if len({s.key for s in statutes}) == 1:
                for i in _indices(m.group("L")):
                    if used[i].label in BODIES:
                        emit("ABOLISHED_BY", used[i], statutes[0], "abolished-agentless", 0.5, [])
    return list(found.values())
