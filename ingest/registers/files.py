"""The register files shipped with the package, read line by line.

Each file under `files/` is a byte-for-byte copy of a publisher's file with a
`.source.txt` sidecar (origin, publisher, licence, date described, sha256).
Every fact the loader makes cites the verbatim line it came from, so rows
carry their line number and raw text as well as their fields.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FILES_DIR = Path(__file__).resolve().parent / "files"


@dataclass(frozen=True)
class RegisterFile:
    """One shipped file: where it is, what it is, and whether it has a header row."""

    key: str  # short id, also the tail of the Source id
    path: str  # relative to FILES_DIR
    title: str
    header: bool = True
    derived: bool = False  # not a publisher file (shared/registers/derived/)
    delimiter: str = ","  # the NHS Choices LAT feed separates fields with the byte 0xAC

    @property
    def source_id(self) -> str:
        return f"source:register-{self.key}"

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def full_path(self) -> Path:
        return FILES_DIR / self.path


# The files the loader reads, in the order their facts are applied.
CATALOGUE: tuple[RegisterFile, ...] = (
    RegisterFile("ods-eccg-2025-11", "ods/eccg_2025-11.csv", "ODS eccg: clinical commissioning groups and sub-ICB locations (extract c. Nov 2025)", header=False),
    RegisterFile("ods-etr-2025-11", "ods/etr_2025-11.csv", "ODS etr: NHS trusts (extract c. Nov 2025)", header=False),
    RegisterFile("ods-succ-2026-05", "ods/succ_2026-05.csv", "ODS succ: successor organisations (download c. April-May 2026)", header=False),
    RegisterFile("ods-eauth-2018-11", "ods/eauth_2018-11.csv", "ODS eauth: NHS England commissioning regions and local offices (c. Nov 2018)", header=False),
    RegisterFile("ons-ccg13-names", "ons/CCG_APR_2013.csv", "ONS Clinical commissioning groups (April 2013) names and codes"),
    RegisterFile("ons-ccg13-nhsat13-nhscr13", "ons/CCG13_NHSAT13_NHSCR13_EW_LU.csv", "ONS CCG (2013) to NHS area team (2013) to NHS commissioning region (2013) lookup"),
    RegisterFile("ons-nhsat13-names", "ons/NHSAT_APR_2013_EN_NC.csv", "ONS NHS area teams (April 2013) names and codes"),
    RegisterFile("ons-ccg17-names", "ons/CCG17_names_codes_EN_v3.csv", "ONS Clinical Commissioning Groups (April 2017) names and codes (v3)"),
    RegisterFile("ons-ccg19-names", "ons/CCG19_names_codes_EN.csv", "ONS Clinical Commissioning Groups (April 2019) names and codes"),
    RegisterFile("ons-ccg20-names", "ons/CCG20_names_codes_EN.csv", "ONS Clinical Commissioning Groups (April 2020) names and codes"),
    RegisterFile("ons-ccg17-stp17", "ons/CCG17_STP17_EN_LU_v3.csv", "ONS CCG to STP (April 2017) lookup (v3)"),
    RegisterFile("ons-ccg18-stp18", "ons/CCG18_STP18_EN_LU_v2.csv", "ONS CCG to STP (April 2018) lookup (v2)"),
    RegisterFile("ons-ccg19-stp19", "ons/CCG19_STP19_EN_LU.csv", "ONS CCG to STP (April 2019) lookup"),
    RegisterFile("ons-ccg20-stp20", "ons/CCG20_STP20_EN_LU.csv", "ONS CCG to STP (April 2020) lookup"),
    RegisterFile("ons-stp20-names", "ons/STP20_names_codes_EN.csv", "ONS Sustainability and Transformation Partnerships (April 2020) names and codes"),
    RegisterFile("ons-ccg17-nhsrlo17-nhser17", "ons/CCG17_NHSRLO17_NHSER17_EN_LU_v3.csv", "ONS CCG to NHS England (Region, Local Office) and NHS England (Region) (April 2017) lookup (v3)"),
    RegisterFile("ons-ccg18-nhsrlo18-nhser18", "ons/CCG18_NHSRLO18_NHSER18_EN_LU.csv", "ONS CCG to NHS England (Region, Local Office) and NHS England (Region) (April 2018) lookup"),
    RegisterFile("ons-nhser19-names", "ons/NHSER19_names_codes_EN.csv", "ONS NHS England (Region) (April 2019) names and codes"),
    RegisterFile("ons-loc22-icb22-nhser22", "ons/LOC22_ICB22_NHSER22_EN_LU.csv", "ONS Sub-ICB locations to ICBs to NHS England regions (July 2022) lookup"),
    RegisterFile("ons-icb24-names", "ons/ICB24_names_and_codes_EN.csv", "ONS Integrated Care Boards (April 2024) names and codes"),
    RegisterFile("ons-pco12-sha12", "ons/PCO12_SHA12_EN_LU.csv", "ONS Primary care organisations (2012) to strategic health authorities (2012) lookup"),
    RegisterFile("ons-ltla19-utla19", "ons/LTLA19_UTLA19_EW_LU.csv", "ONS Lower tier to upper tier local authority (April 2019) lookup"),
    RegisterFile("ons-lsoa11-ccg20-lad20", "ons/LSOA11_CCG20_LAD20_EN_LU.csv", "ONS LSOA (2011) to CCG to local authority district (April 2020) lookup"),
    RegisterFile("nhsd-gp-reg-pat-prac-map-2022-01", "nhsd/gp-reg-pat-prac-map_2022-01.csv", "NHS Digital, Patients Registered at a GP Practice, January 2022: practice to CCG to STP to region mapping"),
    RegisterFile(
        "nhschoices-lat-2014-02", "history/nhschoices_LAT_area_teams_2014-02.csv",
        "NHS Choices FOI feed LAT.csv: the 25 NHS England area teams with ODS codes (downloaded by Feb 2014)", delimiter="\xac",
    ),
    RegisterFile("derived-ods-classification", "derived/ods_classification.json", "ods_classification.json: a cache built from the ODS ORD API by a third party (DERIVED, not an ODS publication)", header=False, derived=True),
)

BY_KEY: dict[str, RegisterFile] = {f.key: f for f in CATALOGUE}


class Row:
    """One data line of a register file; fields by header name, or "1".."27"
    for headerless ODS files (built on first use: the LSOA file has 32,844 lines)."""

    __slots__ = ("file", "line", "text", "values", "_columns", "_fields")

    def __init__(self, file: RegisterFile, line: int, text: str, values: list[str], columns: dict[str, int]) -> None:
        self.file = file
        self.line = line  # 1-based line number in the file
        self.text = text  # the verbatim line, without its line ending
        self.values = values
        self._columns = columns
        self._fields: dict[str, str] | None = None

    @property
    def fields(self) -> dict[str, str]:
        if self._fields is None:
            self._fields = {name: self.values[i] for name, i in self._columns.items() if i < len(self.values)}
        return self._fields

    def get(self, *names: str) -> str:
        """The first of `names` present (ONS files rename columns between vintages)."""
        for name in names:
            i = self._columns.get(name)
            if i is not None and i < len(self.values):
                return self.values[i].strip()
        raise KeyError(f"{self.file.name} line {self.line}: none of the columns {names}")


def read_rows(f: RegisterFile, base: Path | None = None) -> list[Row]:
    """Every data line of `f` with its fields; ODS headerless fields are named "1", "2", ..."""
    return _read_rows(f, base or FILES_DIR)


@lru_cache(maxsize=None)
def _read_rows(f: RegisterFile, base: Path) -> list[Row]:
    raw = decode((base / f.path).read_bytes())
    lines = raw.splitlines()
    rows: list[Row] = []
    columns: dict[str, int] | None = None
    # One reader over all lines: each line is one record (no quoted line breaks in these files).
    for number, (text, values) in enumerate(zip(lines, csv.reader(lines, delimiter=f.delimiter)), 1):
        if not values:
            continue
        if f.header and columns is None:
            columns = {h.strip(): i for i, h in enumerate(values)}
            continue
        if columns is None:  # headerless ODS layout: fields "1", "2", ...
            columns = {str(i + 1): i for i in range(len(values))}
        rows.append(Row(f, number, text, values, columns))
    return rows


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM); older ONS files are Windows-1252 (e.g. 0x92 for an apostrophe)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def parse_sidecar(f: RegisterFile, base: Path | None = None) -> dict[str, str]:
    """The `key: value` lines of the file's `.source.txt` sidecar."""
    path = (base or FILES_DIR) / (f.path + ".source.txt")
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition(":")
        if sep and key and " " not in key.strip():
            out[key.strip()] = value.strip()
    return out


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ods_date(value: str) -> str | None:
    """ODS YYYYMMDD -> ISO date (None when blank)."""
    value = value.strip()
    if not value:
        return None
    if len(value) != 8 or not value.isdigit():
        raise ValueError(f"not an ODS date (YYYYMMDD): {value!r}")
    return f"{value[:4]}-{value[4:6]}-{value[6:]}"
