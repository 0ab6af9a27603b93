"""The world slice of the curated data: organisations beyond NATO and their membership histories.

Kinds of organisation (decided here, used in data/organizations-world.csv):

- ``treaty-organisation``: the UN (a universal organisation created by a treaty, the Charter).
- ``collective-defence-alliance``: ANZUS, SEATO, CENTO and the Rio Treaty (RIO): treaties with a
  mutual-defence pledge, like NATO.
- ``security-partnership``: AUKUS (a defence-technology partnership without a defence pledge).
- ``intelligence-alliance``: the Five Eyes (FVEY, the UKUSA Agreement).
- ``regional-organisation``: ASEAN, the OAU and the AU, the OAS, the Arab League (LAS), the GCC, the
  OIC, the PIF, ECOWAS and SADC: organisations of the states of one region (or, for the OIC, of one
  community of states) with a secretariat and decision-making bodies.
- ``political-economic-union``: MERCOSUR (a customs union with political institutions).
- ``forum``: APEC, the Non-Aligned Movement, CELAC, the Commonwealth and the Quad: groupings that
  meet and coordinate without a founding treaty that binds their members to common decisions.

Member counts are the organisations' own published counts, on the dataset's "current as of" day,
5 April 2024 (sources in data/sources-world.csv, cited per test).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import facts

from kg.build import build
from kg.query import run_query

DATA = Path(__file__).resolve().parent.parent / "data"
AT = "2024-04-05"

WORLD_ORGS = (
    "UN QUAD AUKUS FVEY ANZUS ASEAN AU OAU OAS LAS GCC OIC NAM CWLTH PIF APEC MERCOSUR ECOWAS SADC "
    "CELAC SEATO CENTO RIO"
).split()


@pytest.fixture(scope="module")
def store(memory_store):
    return memory_store


def members(store, org: str, at: str | None = AT) -> list[dict[str, str]]:
    return facts.members(store, org, at)


def full_members(store, org: str, at: str = AT) -> set[str]:
    return facts.full_members(store, org, at)


def test_every_world_organisation_is_in_the_graph(store):
    result = run_query(store, "organizations", {})
    codes = {row[0] for row in result.rows}
    assert set(WORLD_ORGS) <= codes


def test_un_has_193_members_and_two_observer_states(store):
    # UN, "Member States": 193 Member States; the Holy See and the State of Palestine are the two
    # non-member observer States (UN Dag Hammarskjöld Library, "UN Membership: Observers").
    rows = members(store, "UN")
    assert len(full_members(store, "UN")) == 193
    observers = {r["member"] for r in rows if r["role"] == "observer"}
    assert observers == {"VAT", "PSE"}


def test_un_historical_seats(store):
    assert {"SUN", "DDR", "DEU", "CSK", "YUG"} <= full_members(store, "UN", "1980-01-01")
    assert "RUS" not in full_members(store, "UN", "1980-01-01")
    assert "RUS" in full_members(store, "UN", "1992-01-01")
    assert "SUN" not in full_members(store, "UN", "1992-01-01")
    assert "DDR" not in full_members(store, "UN", "1990-10-03")
    assert {"CZE", "SVK"} <= full_members(store, "UN", "1993-02-01")
    assert "CSK" not in full_members(store, "UN", "1993-02-01")
    # Indonesia's withdrawal (effective 1 March 1965) and return (September 1966)
    assert "IDN" not in full_members(store, "UN", "1965-06-01")
    assert "IDN" in full_members(store, "UN", "1967-01-01")
    # the China seat: one membership from 1945 (resolution 2758 changed the representative)
    china = [r for r in members(store, "UN", None) if r["member"] == "CHN"]
    assert [(r["start"], r["end"]) for r in china] == [("1945-10-24", None)]
    assert "TWN" not in {r["member"] for r in members(store, "UN", None)}


# ASEAN's own page ("History: The Founding of ASEAN", ASEAN Secretariat): the five founders signed
# the Bangkok Declaration on 8 August 1967; "Brunei Darussalam then joined on 7 January 1984,
# Viet Nam on 28 July 1995, Lao PDR and Myanmar on 23 July 1997, and Cambodia on 30 April 1999".
ASEAN_DATES = {
    "IDN": "1967-08-08",
    "MYS": "1967-08-08",
    "PHL": "1967-08-08",
    "SGP": "1967-08-08",
    "THA": "1967-08-08",
    "BRN": "1984-01-07",
    "VNM": "1995-07-28",
    "LAO": "1997-07-23",
    "MMR": "1997-07-23",
    "KHM": "1999-04-30",
}


def test_asean_accession_dates_to_the_day(store):
    rows = [r for r in members(store, "ASEAN") if r["role"] != "observer"]
    assert {r["member"]: r["start"] for r in rows} == ASEAN_DATES
    founders = {r["member"] for r in rows if r["role"] == "founding member"}
    assert founders == {"IDN", "MYS", "PHL", "SGP", "THA"}


def test_asean_timor_leste_observer_then_member(store):
    assert "TLS" not in full_members(store, "ASEAN")
    assert "TLS" in full_members(store, "ASEAN", "2025-10-26")


def _first_day(value: str) -> str:
    return value + {4: "-01-01", 7: "-01", 10: ""}[len(value)]


def test_no_member_before_its_organisation_was_founded(store):
    orgs = run_query(store, "organizations", {})
    founded = {row[0]: row[3] for row in orgs.rows}
    problems = []
    for org in WORLD_ORGS:
        for r in members(store, org, None):
            start = r["start"]
            assert start, (org, r)
            # compare at the coarser of the two precisions (a start of "1969" is fine for an
            # organisation founded on 1969-09-25)
            precision = min(len(start), len(founded[org]))
            if start[:precision] < founded[org][:precision]:
                problems.append((org, r["member"], start, founded[org]))
    assert problems == []


@pytest.mark.parametrize(
    ("org", "count"),
    [
        ("AU", 55),  # African Union, "Member States": "There are 55 Member States" (incl. suspended)
        ("OAS", 33),  # 35 member states (OAS) less Venezuela (2019) and Nicaragua (2023) withdrawn
        ("LAS", 22),  # Arab League: 22 member states (Syria readmitted 7 May 2023)
        ("GCC", 6),  # the six founding states (The National, "1981: The dawn of the GCC")
        ("OIC", 57),  # OIC: "membership of 57 states spread over four continents"
        ("PIF", 18),  # Pacific Islands Forum Secretariat: "it comprises 18 members"
        ("APEC", 21),  # Global Affairs Canada: "APEC now comprises 21 member economies"
        ("CWLTH", 56),  # Commonwealth: 56 member countries (Gabon and Togo joined in June 2022)
        ("SADC", 16),  # SADC: 16 member states (Comoros admitted 2017)
        ("ECOWAS", 15),  # ECOWAS: 15 member states (Mali, Burkina Faso, Niger leave on 2025-01-29)
        ("CELAC", 33),  # CELAC: 33 member states (Brazil back from January 2023)
        ("ASEAN", 10),  # ASEAN: ten Member States (Timor-Leste an observer until 2025-10-26)
        ("AUKUS", 3),
        ("FVEY", 5),
        ("QUAD", 4),
        ("ANZUS", 3),  # New Zealand remains a party, its US obligations suspended since 1986
    ],
)
def test_current_member_counts_match_published_counts(store, org, count):
    assert len(full_members(store, org)) == count


def test_suspensions_are_their_own_spells(store):
    au = {r["member"]: r["role"] for r in members(store, "AU")}
    assert {m for m, role in au.items() if role == "suspended"} == {"MLI", "GIN", "SDN", "BFA", "NER", "GAB"}
    las_1985 = {r["member"]: r["role"] for r in members(store, "LAS", "1985-01-01")}
    assert las_1985["EGY"] == "suspended"
    las_2020 = {r["member"]: r["role"] for r in members(store, "LAS", "2020-01-01")}
    assert las_2020["SYR"] == "suspended"
    assert {r["member"]: r["role"] for r in members(store, "LAS")}["SYR"] == "member"
    oas_1970 = {r["member"]: r["role"] for r in members(store, "OAS", "1970-01-01")}
    assert oas_1970["CUB"] == "suspended"
    anzus = {r["member"]: r["role"] for r in members(store, "ANZUS")}
    assert anzus["NZL"] == "suspended"
    celac_2021 = {r["member"]: r["role"] for r in members(store, "CELAC", "2021-01-01")}
    assert celac_2021["BRA"] == "suspended"


def test_joins_and_withdrawals(store):
    assert "MAR" not in full_members(store, "AU", "2010-01-01")
    assert "MAR" in full_members(store, "AU")
    assert "MAR" in full_members(store, "OAU", "1970-01-01")
    assert full_members(store, "OAU", "2003-01-01") == set()
    assert "VEN" not in full_members(store, "OAS")
    assert "NIC" in full_members(store, "OAS", "2023-01-01")
    assert "NIC" not in full_members(store, "OAS")
    assert "KIR" not in full_members(store, "PIF", "2022-12-31")
    assert {"COK", "NIU", "PYF", "NCL"} <= full_members(store, "PIF")
    assert {"HKG", "TWN"} <= full_members(store, "APEC")
    assert {"MLI", "BFA", "NER"} <= full_members(store, "ECOWAS")
    assert not {"MLI", "BFA", "NER"} & full_members(store, "ECOWAS", "2025-06-01")
    assert "MRT" not in full_members(store, "ECOWAS")
    assert {"RWA", "MOZ", "GAB", "TGO"} <= full_members(store, "CWLTH")
    assert "ZWE" not in full_members(store, "CWLTH")
    assert "MEX" not in full_members(store, "RIO")
    assert full_members(store, "SEATO", "1960-01-01") == {"AUS", "FRA", "NZL", "PAK", "PHL", "THA", "GBR", "USA"}
    assert full_members(store, "SEATO") == set()
    assert "IRQ" not in full_members(store, "CENTO", "1960-01-01")
    assert full_members(store, "AUKUS", "2021-09-15") == {"AUS", "GBR", "USA"}


def test_source_ids_are_unique_across_parts_and_every_cited_id_is_defined():
    ids: list[str] = []
    for path in sorted(DATA.glob("sources*.csv")):
        with path.open(encoding="utf-8") as fh:
            ids += [row["id"] for row in csv.DictReader(fh)]
    assert ids and len(ids) == len(set(ids))
    cited = set()
    for path in sorted(DATA.glob("*.csv")):
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if "source" in row and not path.name.startswith("sources"):
                    cited.update(s for s in (row["source"] or "").split(";") if s)
    assert cited <= set(ids), sorted(cited - set(ids))
