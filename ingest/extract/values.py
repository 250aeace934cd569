"""Money, dates and counts: the numbers a commissioning document states.

Why regular expressions rather than a statistical NER: the forms are few and
formulaic in NHS prose ("£73.6 billion in 2017/18", "£65bn", "since 2013",
"1 April 2013", "2013/14"), we must normalise them exactly (pounds, ISO dates,
fiscal years) and a blank spaCy pipeline has no NER to offer anyway.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    m: i
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")],
        start=1,
    )
    for m in names
}
_MONTH_RE = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}

_APPROX = re.compile(r"\b(?:approximately|approx\.?|about|around|roughly|some|almost|nearly|over|more than|less than|up to|c\.|circa|an estimated)\s*$", re.I)


@dataclass(frozen=True)
class Money:
    start: int
    end: int
    text: str
    amount_gbp: float
    fiscal_year: str | None
    approximate: bool


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    iso: str  # the first day of the period named
    precision: str  # day | month | year | fiscal_year | season
    qualifier: str | None  # since | from | on | in | until | by | before | after | as of | None
    iso_end: str | None = None  # the day after the period, for "in 2013" style ranges


@dataclass(frozen=True)
class Number:
    start: int
    end: int
    text: str
    value: int
    approximate: bool


_MULTIPLIERS = {"bn": 1e9, "billion": 1e9, "b": 1e9, "m": 1e6, "million": 1e6, "mn": 1e6, "k": 1e3,
                "thousand": 1e3, "trillion": 1e12, "tn": 1e12}
_MONEY = re.compile(
    r"£\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?(?P<mult>billion|million|thousand|trillion|bn|mn|tn|m|k|b)?\b",
    re.I,
)
FISCAL_YEAR = re.compile(r"\b(?P<y>(?:19|20)\d{2})\s?[/\-–]\s?(?P<yy>\d{2})\b")


def _valid_fy(y: int, yy: int) -> bool:
    return (y + 1) % 100 == yy


def fiscal_years(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in FISCAL_YEAR.finditer(text):
        y, yy = int(m.group("y")), int(m.group("yy"))
        if _valid_fy(y, yy):
            out.append((m.start(), m.end(), f"{y}/{yy:02d}"))
    return out


def find_money(sentence: str, offset: int = 0) -> list[Money]:
    """Sums of money in a sentence, each with the fiscal year nearest it in the sentence.

    A year that directly follows ("£73.6 billion in 2017/18") wins over one
    further away; a sentence with one fiscal year gives it to every amount.
    """
    years = fiscal_years(sentence)
    out: list[Money] = []
    for m in _MONEY.finditer(sentence):
        num = float(m.group("num").replace(",", ""))
        mult = _MULTIPLIERS.get((m.group("mult") or "").lower(), 1.0)
        amount = num * mult
        if amount <= 0:
            continue
        fy = None
        if years:
            fy = min(years, key=lambda y: (y[0] - m.end() if y[0] >= m.end() else (m.start() - y[1]) * 1.5))[2]
        approx = bool(_APPROX.search(sentence[max(0, m.start() - 25):m.start()]))
        out.append(Money(offset + m.start(), offset + m.end(), m.group(0), amount, fy, approx))
    return out


_DAY_MONTH_YEAR = re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_MONTH_RE})\.?,?\s+(?P<y>(?:19|20)\d{{2}})\b")
_MONTH_DAY_YEAR = re.compile(rf"\b(?P<m>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,\s+(?P<y>(?:19|20)\d{{2}})\b")
_MONTH_YEAR = re.compile(rf"\b(?P<m>{_MONTH_RE})\.?\s+(?P<y>(?:19|20)\d{{2}})\b")
_NUMERIC = re.compile(r"\b(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>(?:19|20)\d{2})\b")
_ISO = re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})\b")
_SEASON_YEAR = re.compile(r"\b(?P<s>early|mid|mid-|late|spring|summer|autumn|winter)\s*(?P<y>(?:19|20)\d{2})\b", re.I)
_YEAR = re.compile(r"(?<![£\d/\-.,])\b(?P<y>(?:19|20)\d{2})\b(?![/\-]\d|s\b|,\d|\.\d|%)")
_QUALIFIER = re.compile(
    r"\b(?P<q>since|from|on|in|until|till|to|by|before|after|as of|as at|during|between|effective|starting|ending|until the end of)\s+(?:the\s+)?(?:year\s+)?$",
    re.I,
)
_SEASON_MONTH = {"early": 1, "spring": 3, "mid": 6, "mid-": 6, "summer": 6, "late": 9, "autumn": 9, "winter": 12}


def _qualifier(sentence: str, start: int) -> str | None:
    m = _QUALIFIER.search(sentence[max(0, start - 22):start])
    if not m:
        return None
    q = m.group("q").lower()
    return {"till": "until", "as at": "as of", "starting": "from", "effective": "from"}.get(q, q)


def _safe_date(y: int, m: int, d: int) -> str | None:
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def find_dates(sentence: str, offset: int = 0) -> list[DateMention]:
    """Dates and periods in a sentence, most specific first, never overlapping."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def add(s: int, e: int, iso: str | None, precision: str, iso_end: str | None = None) -> None:
        if iso and free(s, e):
            taken.append((s, e))
            found.append(DateMention(offset + s, offset + e, sentence[s:e], iso, precision, _qualifier(sentence, s), iso_end))

    for rx in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        for m in rx.finditer(sentence):
            add(m.start(), m.end(), _safe_date(int(m.group("y")), MONTHS[m.group("m").lower()], int(m.group("d"))), "day")
    for m in _ISO.finditer(sentence):
        add(m.start(), m.end(), _safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d"))), "day")
    for m in _NUMERIC.finditer(sentence):
        add(m.start(), m.end(), _safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d"))), "day")
    for m in _MONTH_YEAR.finditer(sentence):
        y, mo = int(m.group("y")), MONTHS[m.group("m").lower()]
        nxt = _safe_date(y + (mo == 12), mo % 12 + 1, 1)
        add(m.start(), m.end(), _safe_date(y, mo, 1), "month", nxt)
    for s, e, fy in fiscal_years(sentence):
        y = int(fy[:4])
        add(s, e, f"{y}-04-01", "fiscal_year", f"{y + 1}-04-01")
    for m in _SEASON_YEAR.finditer(sentence):
        add(m.start(), m.end(), _safe_date(int(m.group("y")), _SEASON_MONTH[m.group("s").lower()], 1), "season")
    for m in _YEAR.finditer(sentence):
        y = int(m.group("y"))
        add(m.start(), m.end(), f"{y}-01-01", "year", f"{y + 1}-01-01")
    found.sort(key=lambda d: d.start)
    return found


_NUM_WORD_RE = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_NUMBER = re.compile(rf"(?<![£\d.,/])\b(?P<n>\d{{1,3}}(?:,\d{{3}})*|\d+|{_NUM_WORD_RE})\b(?![.,]\d|%|/|\s?(?:per cent|percent))", re.I)


def find_numbers(sentence: str, offset: int = 0) -> list[Number]:
    """Whole numbers written as digits or words ("211", "four"); not money, years or percentages."""
    out: list[Number] = []
    for m in _NUMBER.finditer(sentence):
        raw = m.group("n")
        value = NUMBER_WORDS.get(raw.lower())
        if value is None:
            value = int(raw.replace(",", ""))
            if 1900 <= value <= 2099 and "," not in raw:
                continue  # a year
        approx = bool(_APPROX.search(sentence[max(0, m.start() - 25):m.start()]))
        out.append(Number(offset + m.start(), offset + m.end(), raw, value, approx))
    return out
