"""The analysts' catalogue entries (joiners, leavers, members-of-both, ...).

Golden rows come from a small fictional dataset, ``tests/fixtures/catalogue/``, built on top of
the packaged data (its codes, ``XORG1``... and ``XALP``..., collide with nothing packaged, and
only fictional states belong to the fictional organisations, so the golden rows do not move when
the packaged data grows). A few checks run on the shipped data too, against facts stated
independently or against other catalogue entries.
"""

from __future__ import annotations

import csv
import io
from itertools import combinations
from pathlib import Path

import pytest
from rdflib.plugins.sparql import prepareQuery

from kg.catalogue import catalogue
from kg.errors import UsageError
from kg.query import _with_values, current_as_of, run_query

FIXTURE = Path(__file__).parent / "fixtures" / "catalogue"

#: The new entries and their documented columns, in order.
ENTRIES = {
    "joiners": ["date", "org", "member", "name", "role"],
    "leavers": ["date", "org", "member", "name"],
    "members-of-both": ["state", "name", "since_a", "since_b"],
    "non-member-partners": ["partner", "name", "frameworks"],
    "organizations-left": ["org", "name", "start", "end"],
    "indo-pacific-partners": ["partner", "name", "framework", "status", "start"],
    "shared-topics": ["topic", "label"],
    "state-events": ["event", "name", "start", "role", "place"],
    "year-precision": ["fact", "kind", "date", "precision"],
    "single-source": ["fact", "kind", "source"],
    "top-shared-memberships": ["a", "b", "shared"],
    "stances": ["actor", "name", "stance", "party", "opponent", "start", "source"],
}

#: Parameters each entry needs (or documents) and sample values on the fixture.
PARAMETERS = {
    "joiners": {"org": ("org", True), "from": ("since", False), "to": ("date", False)},
    "leavers": {"org": ("org", True), "from": ("since", False), "to": ("date", False)},
    "members-of-both": {"a": ("org", False), "b": ("org", False), "at": ("date", True)},
    "non-member-partners": {"org": ("org", False), "at": ("date", True)},
    "organizations-left": {"state": ("actor", False)},
    "indo-pacific-partners": {"at": ("date", True), "regions": ("string", True)},
    "shared-topics": {"a": ("subject", False), "b": ("subject", False)},
    "state-events": {"state": ("actor", False), "year": ("year", True)},
    "year-precision": {"state": ("actor", True)},
    "single-source": {"state": ("actor", True)},
    "top-shared-memberships": {"at": ("date", True), "limit": ("integer", True)},
    "stances": {"party": ("actor", True)},
}
SAMPLE = {
    "joiners": {"org": "XORG1", "from": "1990-01-01", "to": "2030-12-31"},
    "leavers": {"org": "XORG3", "from": "1900-01-01", "to": "2030-12-31"},
    "members-of-both": {"a": "XORG1", "b": "XORG2"},
    "non-member-partners": {"org": "XORG1"},
    "organizations-left": {"state": "XBRD"},
    "indo-pacific-partners": {},
    "shared-topics": {"a": "XAND-XORG1-XFW1", "b": "NZL-XORG1-XFW1"},
    "state-events": {"state": "XAND"},
    "year-precision": {"state": "XBRD"},
    "single-source": {"state": "XBRD"},
    "top-shared-memberships": {"at": "2005-01-01", "limit": "1"},
    "stances": {"party": "XSYL"},
}
FIXTURE_ORGS = {"XORG1", "XORG2", "XORG3"}


@pytest.fixture(scope="module")
def fx():
    """The packaged data plus the fictional fixture tables, in memory."""
    from kg.build import build

    return build("memory", data_dirs=[FIXTURE])


def rows(store, name, **params):
    return run_query(store, name, params).rows


# ---------------------------------------------------------------------------------------------
# Headers: documented parameters and columns, valid SPARQL, the columns actually returned
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_header_documents_parameters_and_columns(name):
    entry = catalogue()[name]
    assert entry.summary and entry.description
    assert list(entry.columns) == ENTRIES[name]
    declared = {p.name: (p.type, p.optional) for p in entry.parameters}
    assert declared == PARAMETERS[name]
    assert all(p.doc for p in entry.parameters), "every parameter has a description"
    prepareQuery(_with_values(entry.text, {p.name: None for p in entry.parameters}))


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_returns_its_documented_columns_with_rows(fx, name):
    result = run_query(fx, name, SAMPLE[name])
    assert result.columns == ENTRIES[name]
    assert result.rows, f"{name} returns rows on the fixture"


@pytest.mark.parametrize("name", ["joiners", "leavers"])
def test_from_and_to_are_required(fx, name):
    with pytest.raises(UsageError, match="missing parameter 'from'"):
        run_query(fx, name, {"to": "2000-01-01"})


def test_default_at_is_the_datasets_current_day(fx):
    day = current_as_of(fx)
    assert day == "2027-06-30"  # the fixture's dataset.toml is later than the packaged one
    for name, params in [("members-of-both", {"a": "XORG1", "b": "XORG2"}),
                         ("non-member-partners", {"org": "XORG1"}),
                         ("indo-pacific-partners", {}),
                         ("top-shared-memberships", {"limit": "3"})]:
        assert rows(fx, name, **params) == rows(fx, name, **params, at=day), name


# ---------------------------------------------------------------------------------------------
# Golden rows on the fixture
# ---------------------------------------------------------------------------------------------


def test_joiners_of_one_organisation(fx):
    assert rows(fx, "joiners", org="XORG1", **{"from": "1900-01-01", "to": "2030-12-31"}) == [
        ["1990-01-01", "XORG1", "XALP", "Alpland", "founding member"],
        ["1990-01-01", "XORG1", "XBRD", "Borduria", "founding member"],
        ["1990-01-01", "XORG1", "XSYL", "Syldavia", "founding member"],
        ["1992-01-01", "XORG1", "XOLD", "Oldland", "member"],
        # an observer that becomes a member joins twice, once in each role
        ["1995-06", "XORG1", "XFRE", "Freedonia", "observer"],
        ["2001-02-01", "XORG1", "XFRE", "Freedonia", "member"],
        # year precision; the suspension (2008) and the return from it (2010) are not joinings
        ["2003", "XORG1", "XKAI", "Kaitan", "member"],
        ["2015-09-09", "XORG1", "XSYL", "Syldavia", "member"],
        ["2020-06-01", "XORG1", "FRA", "France", "member"],
    ]


def test_joiners_bounds_are_inclusive_and_a_year_means_its_last_day(fx):
    window = {"from": "2003-01-01", "to": "2003"}  # to 2003-12-31; a 2003 start is 2003-01-01
    assert rows(fx, "joiners", org="XORG1", **window) == [["2003", "XORG1", "XKAI", "Kaitan", "member"]]
    assert rows(fx, "joiners", org="XORG1", **{"from": "2020-06-01", "to": "2020-06-01"}) == [
        ["2020-06-01", "XORG1", "FRA", "France", "member"]]
    assert rows(fx, "joiners", org="XORG1", **{"from": "2020-06-02", "to": "2030"}) == []
    # "from" is a first day: a year means its first day, so the whole of 2003 is in the window.
    assert rows(fx, "joiners", org="XORG1", **{"from": "2003", "to": "2003"}) == \
        rows(fx, "joiners", org="XORG1", **{"from": "2003-01-01", "to": "2003-12-31"})


def test_joiners_of_every_organisation(fx):
    got = [row for row in rows(fx, "joiners", **{"from": "2000-01-01", "to": "2010"})
           if row[1] in FIXTURE_ORGS]
    assert got == [
        ["2000", "XORG2", "FRA", "France", "founding member"],
        ["2000", "XORG2", "XALP", "Alpland", "founding member"],
        ["2000", "XORG2", "XBRD", "Borduria", "founding member"],
        ["2001-02-01", "XORG1", "XFRE", "Freedonia", "member"],
        ["2003", "XORG1", "XKAI", "Kaitan", "member"],
        ["2004-04-04", "XORG2", "XFRE", "Freedonia", "member"],
        ["2006-06-06", "XORG2", "XKAI", "Kaitan", "associate"],
    ]


def test_leavers(fx):
    window = {"from": "1900-01-01", "to": "2030-12-31"}
    # XORG3 was dissolved on 2010-07-01: the memberships that ended then are not leavings.
    assert rows(fx, "leavers", org="XORG3", **window) == [
        ["1985-01-01", "XORG3", "XFRE", "Freedonia"],
        ["1999-12-31", "XORG3", "XBRD", "Borduria"],
    ]
    # Suspensions and a change of role are not leavings; Oldland ceased to exist (1993-01-01).
    assert rows(fx, "leavers", org="XORG1", **window) == [["2005-03-15", "XORG1", "XSYL", "Syldavia"]]
    every = [row for row in rows(fx, "leavers", **window) if row[1] in FIXTURE_ORGS]
    assert every == [
        ["1985-01-01", "XORG3", "XFRE", "Freedonia"],
        ["1999-12-31", "XORG3", "XBRD", "Borduria"],
        ["2005-03-15", "XORG1", "XSYL", "Syldavia"],
        ["2012-11", "XORG2", "XBRD", "Borduria"],  # month precision
    ]
    assert rows(fx, "leavers", org="XORG1", **{"from": "2005-03-15", "to": "2005-03-15"}) == [
        ["2005-03-15", "XORG1", "XSYL", "Syldavia"]]
    assert rows(fx, "leavers", org="XORG1", **{"from": "2005-03-16", "to": "2030"}) == []


@pytest.mark.parametrize(("at", "expected"), [
    ("2025-06-30", [["FRA", "France", "2020-06-01", "2000"],
                    ["XALP", "Alpland", "1990-01-01", "2000"],
                    ["XFRE", "Freedonia", "2001-02-01", "2004-04-04"],
                    ["XKAI", "Kaitan", "2010-01-01", "2006-06-06"]]),
    # a suspended member holds a spell (of role `suspended`), as in `members`
    ("2009-01-01", [["XALP", "Alpland", "1990-01-01", "2000"],
                    ["XBRD", "Borduria", "1990-01-01", "2000"],
                    ["XFRE", "Freedonia", "2001-02-01", "2004-04-04"],
                    ["XKAI", "Kaitan", "2008-05-01", "2006-06-06"]]),
    ("1999", []),  # XORG2 was founded in 2000
])
def test_members_of_both(fx, at, expected):
    assert rows(fx, "members-of-both", a="XORG1", b="XORG2", at=at) == expected


def test_members_of_both_with_a_dissolved_organisation(fx):
    assert rows(fx, "members-of-both", a="XORG1", b="XORG3", at="2005") == [
        ["XALP", "Alpland", "1990-01-01", "1960-05-05"],
        ["XFRE", "Freedonia", "2001-02-01", "1990-01-01"],
    ]
    assert rows(fx, "members-of-both", a="XORG1", b="XORG3", at="2010-07-01") == []


@pytest.mark.parametrize(("at", "expected"), [
    # NZL's partnership ended on 2024-12-31; XALP and (now) XSYL are members
    ("2025-06-30", [["XAND", "Andesia", "XFW1; XFW2"]]),
    ("2023-01-01", [["NZL", "New Zealand", "XFW1"], ["XAND", "Andesia", "XFW1; XFW2"]]),
    # NZL is negotiating (not yet active): a partnership in force, as in `partners`
    ("2021-06-01", [["NZL", "New Zealand", "XFW1"], ["XAND", "Andesia", "XFW1; XFW2"]]),
    # XSYL left in 2005 and rejoined in 2015: a partner, not a member, in between
    ("2010", [["XSYL", "Syldavia", "XFW1"]]),
])
def test_non_member_partners(fx, at, expected):
    assert rows(fx, "non-member-partners", org="XORG1", at=at) == expected


@pytest.mark.parametrize(("state", "expected"), [
    # left while suspended: the membership ran unbroken from 1990; rejoined in 2015
    ("XSYL", [["XORG1", "First Fixture Alliance", "1990-01-01", "2005-03-15"]]),
    # left XORG3 in 1985 and rejoined it; its 2001 move from observer to member is no leaving
    ("XFRE", [["XORG3", "Third Fixture Union", "1980-01-01", "1985-01-01"]]),
    ("XBRD", [["XORG3", "Third Fixture Union", "1960-05-05", "1999-12-31"],
              ["XORG2", "Second Fixture Forum", "2000", "2012-11"]]),
    ("XOLD", []),  # ceased to exist
    ("XKAI", []),  # suspended and reinstated
    ("XALP", []),  # in XORG3 until its dissolution
])
def test_organizations_left(fx, state, expected):
    assert rows(fx, "organizations-left", state=state) == expected


def test_indo_pacific_partners_are_decided_from_the_data(fx):
    def fictional(at=None, **params):
        if at:
            params["at"] = at
        return [row for row in rows(fx, "indo-pacific-partners", **params) if row[0].startswith("X")]

    # Kaitan (Eastern Asia, PATG) is one, with all its NATO partnerships; Orientia (Western
    # Asia, IPCP), Andesia (Northern America, PATG) and Nusantia (Eastern Asia, dialogue only)
    # are not; Pamiria (Oceania, by way of its sub-region) only while its IPCP is not ended.
    assert fictional() == [["XKAI", "Kaitan", "DIALOGUE", "active", "2012-03"],
                           ["XKAI", "Kaitan", "PATG", "active", "2014"]]
    assert fictional("2020") == [["XKAI", "Kaitan", "DIALOGUE", "active", "2012-03"],
                                 ["XKAI", "Kaitan", "PATG", "active", "2014"],
                                 ["XPAM", "Pamiria", "IPCP", "proposed", "2019-06"]]
    assert fictional("2013") == []  # Kaitan's PATG began in 2014
    assert fictional(regions="145") == [["XORI", "Orientia", "IPCP", "active", "2015"]]
    assert fictional(regions="021, 145") == [["XAND", "Andesia", "PATG", "active", "2017"],
                                             ["XORI", "Orientia", "IPCP", "active", "2015"]]


def test_shared_topics(fx):
    expected = [["CYBER-DEFENCE", "Cyber defence"], ["FX-AIR", "Fixture air policing"]]
    assert rows(fx, "shared-topics", a="XAND-XORG1-XFW1", b="NZL-XORG1-XFW1") == expected
    assert rows(fx, "shared-topics", a="NZL-XORG1-XFW1", b="XAND-XORG1-XFW1") == expected
    assert rows(fx, "shared-topics", a="XAND-XORG1-XFW2", b="NZL-XORG1-XFW1") == []
    # a state stands for all its partnerships
    assert rows(fx, "shared-topics", a="XAND", b="NZL") == expected
    assert rows(fx, "shared-topics", a="XAND-XORG1-XFW2", b="XAND") == [["FX-LAND", "Fixture land forces"]]


def test_state_events(fx):
    assert rows(fx, "state-events", state="XAND") == [
        ["XORG1-SUMMIT-2019", "First Fixture Alliance Summit 2019", "2019-05", "partner", "Alpville, Alpland"],
        ["XORG2-MEET-2021", "Second Fixture Forum meeting 2021", "2021", "guest", None],
    ]
    assert rows(fx, "state-events", state="XAND", year="2021") == [
        ["XORG2-MEET-2021", "Second Fixture Forum meeting 2021", "2021", "guest", None]]
    assert rows(fx, "state-events", state="XAND", year="2020") == []
    assert rows(fx, "state-events", state="NZL", year="2021") == [
        ["XORG1-MIN-2021", "First Fixture Alliance ministerial 2021", "2021-03-03", "guest",
         "Bordurgrad, Borduria"]]


def test_year_precision(fx):
    assert rows(fx, "year-precision", state="XBRD") == [
        # one row per imprecise date: the start (year) and the end (month) of one membership
        ["XBRD founding member of XORG2 from 2000 until 2012-11", "membership", "2000", "year"],
        ["XBRD founding member of XORG2 from 2000 until 2012-11", "membership", "2012-11", "month"],
        ["XALP sanctions XBRD", "stance", "2014", "year"],
    ]
    assert rows(fx, "year-precision", state="XAND") == [
        ["XAND-XORG1 XFW2 partnership: active from 2016", "partnership step", "2016", "year"],
        ["XAND-NATO PATG partnership: active from 2017", "partnership step", "2017", "year"],
        ["XAND-XORG1 XFW1 partnership: proposed from 2018-03", "partnership step", "2018-03", "month"],
        # events the state took part in
        ["XORG1-SUMMIT-2019: First Fixture Alliance Summit 2019", "event", "2019-05", "month"],
        ["XORG2-MEET-2021: Second Fixture Forum meeting 2021", "event", "2021", "year"],
    ]
    everything = rows(fx, "year-precision")
    assert ["XSYL member of XORG3 from 1975 until 2010-07-01", "membership", "1975", "year"] in everything
    assert ["XFRE observer of XORG1 from 1995-06 until 2001-02-01", "membership", "1995-06", "month"] in everything


def test_single_source(fx):
    # XBRD's XORG2 membership and its support for XSYL name two sources each
    assert rows(fx, "single-source", state="XBRD") == [
        ["XBRD founding member of XORG1 from 1990-01-01", "membership", "fixture-treaty"],
        ["XBRD founding member of XORG3 from 1960-05-05 until 1999-12-31", "membership", "fixture-treaty"],
        ["XALP sanctions XBRD", "stance", "fixture-news-1"],
    ]
    assert rows(fx, "single-source", state="XAND") == [
        ["XORG1-SUMMIT-2019: First Fixture Alliance Summit 2019", "event", "fixture-news-1"],
        ["XORG2-MEET-2021: Second Fixture Forum meeting 2021", "event", "fixture-yearbook"],
        ["XAND takes part in XORG1-SUMMIT-2019 as partner", "participation", "fixture-news-1"],
        ["XAND takes part in XORG2-MEET-2021 as guest", "participation", "fixture-yearbook"],
        ["XAND-NATO partnership under PATG", "partnership", "fixture-yearbook"],
        ["XAND-XORG1 partnership under XFW1", "partnership", "fixture-news-1"],
        ["XAND-NATO PATG partnership: active from 2017", "partnership step", "fixture-yearbook"],
        ["XAND-XORG1 XFW1 partnership: proposed from 2018-03", "partnership step", "fixture-news-1"],
        ["XAND-XORG1 XFW2 partnership: active from 2016", "partnership step", "fixture-news-1"],
        ["XAND-XORG1 XFW1 partnership covers Fixture air policing", "topic coverage", "fixture-news-1"],
        ["XAND-XORG1 XFW1 partnership covers Fixture sea lanes", "topic coverage", "fixture-news-1"],
        ["XAND-XORG1 XFW2 partnership covers Fixture land forces", "topic coverage", "fixture-news-1"],
    ]


def test_stances(fx):
    assert rows(fx, "stances", party="XSYL") == [
        ["XBRD", "Borduria", "support", "XSYL", "XALP", "2016-02-02", "fixture-news-1; fixture-news-2"],
        ["XFRE", "Freedonia", "aid", "XSYL", "XALP", None, "fixture-yearbook"],
    ]
    assert rows(fx, "stances", party="XBRD") == [
        ["XALP", "Alpland", "sanctions", "XBRD", None, "2014", "fixture-news-1"]]
    everything = rows(fx, "stances")
    assert [row for row in everything if row[0].startswith("X")] == [
        ["XALP", "Alpland", "sanctions", "XBRD", None, "2014", "fixture-news-1"],
        ["XBRD", "Borduria", "support", "XSYL", "XALP", "2016-02-02", "fixture-news-1; fixture-news-2"],
        ["XFRE", "Freedonia", "aid", "XSYL", "XALP", None, "fixture-yearbook"],
    ]
    parties = [row[3] for row in everything]
    assert parties == sorted(parties)


# ---------------------------------------------------------------------------------------------
# top-shared-memberships: golden pairs and an independent computation from `members`
# ---------------------------------------------------------------------------------------------


def _codes(store, cls):
    text = f"SELECT ?c WHERE {{ ?x a <https://w3id.org/alignment-kg/ontology#{cls}> ; " \
           f"<https://w3id.org/alignment-kg/ontology#code> ?c }}"
    return sorted(s["c"].value for s in store.query(text))


def _expected_top(store, at, limit):
    """Top pairs with ties, computed in Python from the `members` entry of every organisation; a
    member of an organisation and of one that continues it (the EEC and the EU) counts once."""
    states = set(_codes(store, "State"))
    held = {org: {row[0] for row in rows(store, "members", org=org, at=at)} & states
            for org in _codes(store, "Organization")}
    later: dict[str, set[str]] = {}
    for solution in store.query("PREFIX al: <https://w3id.org/alignment-kg/ontology#> "
                                "SELECT ?a ?b WHERE { ?x al:continuedBy+ ?y . ?x al:code ?a . ?y al:code ?b }"):
        later.setdefault(solution["a"].value, set()).add(solution["b"].value)
    counts: dict[tuple[str, str], int] = {}
    for org, found in held.items():
        members = sorted(found - set().union(*(held.get(code, set()) for code in later.get(org, ()))))
        for pair in combinations(members, 2):
            counts[pair] = counts.get(pair, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if limit < 1 or not ranked:
        return []
    threshold = ranked[min(limit, len(ranked)) - 1][1]
    return [[a, b, n] for (a, b), n in ranked if n >= threshold]


def test_top_shared_memberships_golden(fx):
    everything = rows(fx, "top-shared-memberships", at="2005-01-01", limit="1000000")
    fictional = [row for row in everything if row[0].startswith("X") and row[1].startswith("X")]
    assert fictional[:5] == [["XALP", "XFRE", 3], ["XALP", "XBRD", 2], ["XALP", "XSYL", 2],
                             ["XBRD", "XFRE", 2], ["XFRE", "XSYL", 2]]
    assert all(row[2] == 1 for row in fictional[5:])
    assert rows(fx, "top-shared-memberships", at="2005-01-01", limit="0") == []


@pytest.mark.parametrize(("at", "limit"), [("2005-01-01", "1"), ("2005-01-01", "2"), ("2005-01-01", "7"),
                                           ("1995", "20"), ("2025-06-30", "5")])
def test_top_shared_memberships_agrees_with_members(fx, at, limit):
    assert rows(fx, "top-shared-memberships", at=at, limit=limit) == _expected_top(fx, at, int(limit))


# ---------------------------------------------------------------------------------------------
# The shipped data
# ---------------------------------------------------------------------------------------------


def test_nato_with_itself_on_2024_04_05(memory_store):
    got = rows(memory_store, "members-of-both", a="NATO", b="NATO", at="2024-04-05")
    members = rows(memory_store, "members", org="NATO", at="2024-04-05")
    assert len(got) == 32
    assert sorted(got) == sorted([m[0], m[1], m[3], m[3]] for m in members)


def test_nato_and_eu_share_23_members_on_2024_04_05(memory_store):
    if not _has(memory_store, "EU") or not rows(memory_store, "members", org="EU", at="2024-04-05"):
        pytest.skip("the shipped data has no EU memberships")
    got = {row[0] for row in rows(memory_store, "members-of-both", a="NATO", b="EU", at="2024-04-05")}
    # the EU's 27 members less Austria, Cyprus, Ireland and Malta
    assert len(got) == 23
    assert not got & {"AUT", "CYP", "IRL", "MLT", "USA", "NOR", "GBR"}


def _has(store, org):
    return org in _codes(store, "Organization")


def test_nato_joiners_and_leavers(memory_store):
    assert rows(memory_store, "joiners", org="NATO", **{"from": "2023-01-01", "to": "2024-12-31"}) == [
        ["2023-04-04", "NATO", "FIN", "Finland", "member"],
        ["2024-03-07", "NATO", "SWE", "Sweden", "member"],
    ]
    joined = rows(memory_store, "joiners", org="NATO", **{"from": "1949-01-01", "to": "2024-04-05"})
    members = rows(memory_store, "members", org="NATO", at="2024-04-05")
    assert sorted((r[2], r[0]) for r in joined) == sorted((m[0], m[3]) for m in members)
    assert rows(memory_store, "leavers", org="NATO", **{"from": "1949-01-01", "to": "2024-12-31"}) == []
    assert "NATO" not in [row[0] for row in rows(memory_store, "organizations-left", state="FRA")]


def test_nato_non_member_partners(memory_store):
    got = {row[0]: row for row in rows(memory_store, "non-member-partners", org="NATO")}
    members = {row[0] for row in rows(memory_store, "members", org="NATO", at="2024-04-05")}
    assert {"AUS", "JPN", "KOR", "NZL"} <= set(got)
    assert not set(got) & members
    for row in got.values():
        frameworks = row[2].split("; ")
        assert frameworks == sorted(set(frameworks))
    assert {"IPCP", "ITPP", "PATG"} <= set(got["JPN"][2].split("; "))


def test_nato_indo_pacific_partners(memory_store):
    got = rows(memory_store, "indo-pacific-partners", at="2024-04-05")
    assert {"AUS", "JPN", "KOR", "NZL"} <= {row[0] for row in got}
    assert not {row[0] for row in got} & {"COL", "IRQ", "AFG", "PAK", "UKR", "GEO"}
    nzl = [row for row in got if row[0] == "NZL"]
    assert nzl == [["NZL", "New Zealand", "DIALOGUE", "active", "2001"],
                   ["NZL", "New Zealand", "PATG", "active", "2008"],
                   ["NZL", "New Zealand", "IPCP", "active", "2012-06-04"],
                   ["NZL", "New Zealand", "ITPP", "negotiating", "2023-06"]]
    before = rows(memory_store, "indo-pacific-partners", at="2010")
    assert "ITPP" not in {row[2] for row in before}
    assert {"AUS", "JPN", "KOR", "NZL"} <= {row[0] for row in before}


def test_shipped_shared_topics_state_events_and_stances(memory_store):
    topics = rows(memory_store, "shared-topics", a="AUS-NATO-ITPP", b="JPN-NATO-ITPP")
    assert {"CYBER-DEFENCE", "EMERGING-TECHNOLOGIES", "INTEROPERABILITY", "SPACE-SECURITY"} <= {t[0] for t in topics}
    assert topics == rows(memory_store, "shared-topics", a="JPN-NATO-ITPP", b="AUS-NATO-ITPP")
    events = rows(memory_store, "state-events", state="NZL")
    assert ["NATO-SUMMIT-2022-MADRID", "NATO Summit, Madrid 2022", "2022-06-28", "partner", "Madrid, Spain"] in events
    assert [row[0] for row in rows(memory_store, "state-events", state="NZL", year="2023")] == ["NATO-SUMMIT-2023-VILNIUS"]
    nzl = [row for row in rows(memory_store, "stances", party="UKR") if row[0] == "NZL"]
    assert [row[:6] for row in nzl] == [["NZL", "New Zealand", "support", "UKR", "RUS", "2022"]]
    assert "theowp-2024-04" in nzl[0][6].split("; ")


def test_shipped_year_precision(memory_store):
    got = rows(memory_store, "year-precision")
    assert ["NZL support UKR against RUS", "stance", "2022", "year"] in got
    assert ["NZL-NATO ITPP partnership: negotiating from 2023-06", "partnership step", "2023-06", "month"] in got
    assert all(len(row[2]) == {"year": 4, "month": 7}[row[3]] for row in got)
    assert {row[1] for row in got} <= {"membership", "partnership step", "stance", "event"}


def test_single_source_agrees_with_sources(memory_store):
    single = rows(memory_store, "single-source", state="NZL")
    assert single
    by_statement: dict[str, set[str]] = {}
    for statement, source, *_ in rows(memory_store, "sources", subject="NZL"):
        by_statement.setdefault(statement, set()).add(source)
    for fact, _kind, source in single:
        assert by_statement[fact] == {source}, fact


def test_shipped_top_shared_memberships(memory_store):
    got = rows(memory_store, "top-shared-memberships", at="2024-04-05")
    assert got == _expected_top(memory_store, "2024-04-05", 20)
    assert len(got) >= 20


def test_cli(kg):
    result = kg("query", "members-of-both", "-p", "a", "NATO", "-p", "b", "NATO", "--at", "2024-04-05",
                "--format", "csv")
    assert result.exit_code == 0
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0] == ["state", "name", "since_a", "since_b"]
    assert len(table) == 33
    result = kg("query", "joiners", "-p", "org", "NATO", "-p", "from", "2024-01-01", "-p", "to", "2024",
                "--format", "csv")
    assert result.stdout.splitlines() == ["date,org,member,name,role", "2024-03-07,NATO,SWE,Sweden,member"]


def test_shared_memberships_count_the_current_unbroken_full_membership(fx):
    """Issue 20: `shared-memberships` is dated from the start of the current unbroken full
    membership. New Zealand has been suspended from ANZUS since 1986 (not a shared full
    membership with the United States); Egypt was suspended from the AU on 2013-07-05 and
    readmitted on 2014-06-17 (so shared with Nigeria since then, not during the suspension)."""
    def rows(a: str, b: str, at: str | None = None) -> dict[str, str]:
        params = {"a": a, "b": b, **({"at": at} if at else {})}
        return {r[0]: r[2] for r in run_query(fx, "shared-memberships", params).rows}

    assert "ANZUS" not in rows("NZL", "USA")
    assert rows("NZL", "USA", "1980-01-01")["ANZUS"] == "1952-04-29"
    assert rows("EGY", "NGA")["AU"] == "2014-06-17"
    assert "AU" not in rows("EGY", "NGA", "2014-01-01")
    assert rows("EGY", "NGA", "2010-01-01")["AU"] == "2002-07-09"
