"""The world dataset: states, territories, M49 regions and successions in ``data/``."""

from __future__ import annotations

import csv
from pathlib import Path

import pycountry
import pytest

from facts import UN_MEMBERS

from conftest import shared_path
from kg.dates import parse_date
from kg.query import run_query
from kg.resources import data_dir

HISTORICAL = {"SUN", "DDR", "CSK", "YUG", "SCG", "YMD"}
TERRITORIES = {"HKG", "COK", "NIU", "PYF", "NCL"}


def _table(name: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in [data_dir() / f"{name}.csv", *sorted(data_dir().glob(f"{name}-*.csv"))]:
        if path.exists():
            with path.open(encoding="utf-8", newline="") as handle:
                rows.extend(csv.DictReader(handle))
    return rows


@pytest.fixture(scope="module")
def store(memory_store):
    return memory_store


@pytest.fixture(scope="module")
def states() -> dict[str, dict[str, str]]:
    return {row["code"]: row for row in _table("states")}


def _states_at(store, at: str | None = None) -> dict[str, dict]:
    result = run_query(store, "states", {"at": at} if at else {})
    return {row["state"]: row for row in result.records()}


def test_un_member_list_is_the_193():
    assert len(UN_MEMBERS) == 193


def test_every_un_member_and_observer_is_a_state(states):
    missing = sorted((UN_MEMBERS | {"VAT", "PSE", "XKX", "TWN"}) - set(states))
    assert not missing, f"missing from states.csv: {missing}"
    for code in UN_MEMBERS | {"VAT", "PSE", "XKX", "TWN"}:
        assert states[code]["kind"] in ("", "state"), code


def test_current_states_have_iso2_and_wikidata(store):
    current = _states_at(store)
    complete = [code for code, row in current.items() if row["iso2"] and row["wikidata"]]
    assert len(complete) >= 197, f"only {len(complete)} current states with ISO alpha-2 and a QID"
    assert UN_MEMBERS <= set(current)
    for code in UN_MEMBERS:
        assert current[code]["wikidata"], code
        assert current[code]["region"], f"{code} has no M49 region"


def test_codes_agree_with_pycountry(states):
    for code, row in states.items():
        if code == "XKX" or code.startswith("X"):
            continue
        country = pycountry.countries.get(alpha_3=code)
        former = pycountry.historic_countries.get(alpha_3=code)
        assert country is not None or former is not None, f"{code} is not an ISO 3166 code"
        if code in HISTORICAL:
            assert former is not None and country is None, f"{code} should be an ISO 3166-3 code"


def test_wikidata_ids_are_unique_and_well_formed(states):
    seen: dict[str, str] = {}
    for code, row in states.items():
        qid = row["wikidata"]
        if not qid:
            continue
        assert qid.startswith("Q") and qid[1:].isdigit(), code
        assert qid not in seen, f"{code} and {seen.get(qid)} share {qid}"
        seen[qid] = code


def test_no_state_ends_before_it_starts(states):
    for code, row in states.items():
        if row["start"] and row["end"]:
            assert parse_date(row["start"]).first_day() < parse_date(row["end"]).first_day(), code


def test_historical_states_have_an_end(states):
    for code in HISTORICAL:
        assert states[code]["end"], code


def test_every_m49_code_is_in_regions_with_parents_up_to_a_continent(states):
    regions = {row["code"]: row for row in _table("regions")}
    for code, row in states.items():
        m49 = row["m49"]
        if not m49:
            continue
        assert m49 in regions, f"{code}: M49 {m49} is not in regions.csv"
        seen = set()
        while regions[m49]["parent"]:
            assert m49 not in seen, f"cycle at {m49}"
            seen.add(m49)
            m49 = regions[m49]["parent"]
            assert m49 in regions, f"parent {m49} is not in regions.csv"
        assert m49 in {"002", "009", "019", "142", "150"}, f"{code} does not reach a continent"


def test_every_cow_code_is_in_the_cow_state_list(states):
    path = shared_path("datasets", "cow-statelist2024.csv")
    with Path(path).open(encoding="utf-8", newline="") as handle:
        cow = {row["ccode"] for row in csv.DictReader(handle)}
    used = {code: row["cow"] for code, row in states.items() if row["cow"]}
    assert len(used) >= 190
    unknown = {code: ccode for code, ccode in used.items() if ccode not in cow}
    assert not unknown, f"COW codes not in the COW state list: {unknown}"


def test_rows_sharing_a_cow_code_do_not_overlap_in_time(states):
    by_code: dict[str, list[tuple[str, str, str]]] = {}
    for code, row in states.items():
        if row["cow"]:
            by_code.setdefault(row["cow"], []).append((row["start"], row["end"], code))
    for ccode, spells in by_code.items():
        if len(spells) < 2:
            continue
        spells.sort(key=lambda s: parse_date(s[0]).first_day() if s[0] else parse_date("0001").first_day())
        for (_, end, code), (start, _, later) in zip(spells, spells[1:]):
            assert end and start, f"COW {ccode}: {code} and {later} need dates to be told apart"
            assert parse_date(end).first_day() <= parse_date(start).first_day(), (ccode, code, later)


def test_states_in_1990_and_today(store):
    in_1990 = _states_at(store, "1990-01-01")
    for code in ("SUN", "DDR", "CSK", "YUG", "YMD", "DEU", "YEM"):
        assert code in in_1990, code
    for code in ("RUS", "CZE", "SVK", "SCG", "SRB", "MNE", "XKX", "SSD", "ERI", "NAM"):
        assert code not in in_1990, code
    today = _states_at(store, "2024-04-05")
    for code in HISTORICAL:
        assert code not in today, code
    assert {"RUS", "DEU", "CZE", "SVK", "SRB", "MNE", "YEM", "XKX", "TWN"} <= set(today)


def test_handovers_leave_no_gap(store):
    assert "SUN" in _states_at(store, "1991-12-25") and "RUS" not in _states_at(store, "1991-12-25")
    assert "RUS" in _states_at(store, "1991-12-26") and "SUN" not in _states_at(store, "1991-12-26")
    assert "DDR" in _states_at(store, "1990-10-02") and "DDR" not in _states_at(store, "1990-10-03")
    assert {"SCG", "MNE"} <= set(_states_at(store, "2006-06-04"))
    assert "SRB" in _states_at(store, "2006-06-05") and "SCG" not in _states_at(store, "2006-06-05")


def test_territories_are_not_states(store, states):
    current = _states_at(store)
    for code in TERRITORIES:
        assert states[code]["kind"] == "territory", code
        assert code not in current, code


def test_successions(store, states):
    rows = _table("successions")
    assert rows
    for row in rows:
        assert row["predecessor"] in states and row["successor"] in states, row
    pairs = {(row["predecessor"], row["successor"]): row for row in rows}
    assert pairs["SUN", "RUS"]["kind"] == "continuation"
    assert pairs["SCG", "SRB"]["kind"] == "continuation"
    assert pairs["DDR", "DEU"]["kind"] == "absorption"
    assert pairs["CSK", "CZE"]["kind"] == pairs["CSK", "SVK"]["kind"] == "dissolution"
    assert pairs["YMD", "YEM"]["kind"] == "unification"
    # a predecessor that ends does so on the day its continuation or dissolution takes effect
    for row in rows:
        if row["kind"] in ("continuation", "absorption", "dissolution", "unification"):
            assert states[row["predecessor"]]["end"] == row["date"], row
    ask = """
        PREFIX al: <https://w3id.org/alignment-kg/ontology#>
        SELECT ?c WHERE { ?r al:continues ?s . ?r al:code "RUS" . ?s al:code ?c }
    """
    assert [row[0] for row in run_query(store, ask).rows] == ["SUN"]
