"""Catalogue queries on the shipped data, checked against independently stated facts."""

from __future__ import annotations

import pytest

from kg.errors import QueryError, UsageError
from kg.query import run_query

# NATO's members and their accession dates, as NATO's own "Member countries" and enlargement
# pages give them (founders: the North Atlantic Treaty's entry into force, 24 August 1949).
NATO_ACCESSIONS = {
    **dict.fromkeys(["BEL", "CAN", "DNK", "FRA", "ISL", "ITA", "LUX", "NLD", "NOR", "PRT", "GBR", "USA"], "1949-08-24"),
    "GRC": "1952-02-18", "TUR": "1952-02-18", "DEU": "1955-05-06", "ESP": "1982-05-30",
    "CZE": "1999-03-12", "HUN": "1999-03-12", "POL": "1999-03-12",
    **dict.fromkeys(["BGR", "EST", "LVA", "LTU", "ROU", "SVK", "SVN"], "2004-03-29"),
    "ALB": "2009-04-01", "HRV": "2009-04-01", "MNE": "2017-06-05", "MKD": "2020-03-27",
    "FIN": "2023-04-04", "SWE": "2024-03-07",
}


def test_nato_members_on_2024_04_05(memory_store):
    result = run_query(memory_store, "members", {"org": "NATO", "at": "2024-04-05"})
    starts = {row[0]: row[3] for row in result.rows}
    assert starts == NATO_ACCESSIONS
    assert all(row[4] is None for row in result.rows)


@pytest.mark.parametrize(("at", "count"), [("1990-01-01", 16), ("1949-08-23", 0), ("1949", 12),
                                           ("2023-04", 31), ("2024-03-06", 31), ("2024-03-07", 32)])
def test_nato_member_counts_on_a_day(memory_store, at, count):
    assert len(run_query(memory_store, "members", {"org": "NATO", "at": at}).rows) == count


def test_new_zealand_partnerships(memory_store):
    rows = {row[1]: row for row in run_query(memory_store, "partnerships", {"state": "NZL"}).rows}
    assert rows["IPCP"][:5] == ["NATO", "IPCP", "active", "2012-06-04", None]
    assert rows["ITPP"] == ["NATO", "ITPP", "negotiating", "2023-06", None,
                            "Climate change and security; Cyber security; Rules-based international order"]


def test_partnership_status_before_it_began(memory_store):
    rows = run_query(memory_store, "partnerships", {"state": "NZL", "at": "2023-05"}).rows
    assert "ITPP" not in [row[1] for row in rows]


def test_new_zealand_timeline_is_ordered_and_sourced(memory_store):
    rows = run_query(memory_store, "timeline", {"state": "NZL"}).rows
    dates = [row[0] for row in rows]
    assert dates == sorted(dates)
    assert all(row[4] for row in rows), "every row names its sources"
    assert all(row[4].split("; ") == sorted(row[4].split("; ")) for row in rows)
    story = [(row[0], row[2]) for row in rows]
    for fact in [("2001", "NATO"), ("2012-06-04", "NATO"), ("2022-06-28", "NATO-SUMMIT-2022-MADRID"),
                 ("2023-06", "NATO")]:
        assert fact in story
    assert any(row[1] == "stance" and row[2] == "UKR" for row in rows)


def test_parameter_injection_is_refused(memory_store):
    with pytest.raises(UsageError, match="unknown organisation"):  # never pasted into the query
        run_query(memory_store, "members", {"org": 'NATO" } ; DROP ALL ; #'})
    assert len(run_query(memory_store, "members", {"org": "NATO"}).rows) == 32


def test_refused_forms(memory_store):
    with pytest.raises(QueryError, match="DROP is an update"):
        run_query(memory_store, "DROP ALL")
    with pytest.raises(QueryError, match="SERVICE would open a network connection"):
        run_query(memory_store, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match="FROM may name only graphs of this store"):
        run_query(memory_store, "SELECT * FROM <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }")
    # Keywords inside strings, IRIs and comments are not refused.
    ok = run_query(memory_store, 'SELECT ("DROP SERVICE" AS ?x) WHERE { } # LOAD <x>')
    assert ok.rows == [["DROP SERVICE"]]


def test_usage_errors(memory_store):
    with pytest.raises(UsageError, match="Did you mean: members"):
        run_query(memory_store, "membrs")
    with pytest.raises(UsageError, match=r"missing parameter 'org': an organisation code"):
        run_query(memory_store, "members")
    with pytest.raises(UsageError, match="unknown organisation 'NATX'; nearest: NATO "):
        run_query(memory_store, "members", {"org": "NATX"})
    with pytest.raises(UsageError, match="impossible date"):
        run_query(memory_store, "members", {"org": "NATO", "at": "2023-02-30"})
    with pytest.raises(UsageError, match="unknown parameter"):
        run_query(memory_store, "members", {"org": "NATO", "when": "2020"})


def test_output_does_not_depend_on_the_build(memory_store):
    from kg.build import build

    again = build("memory")
    for name, params in [("timeline", {"state": "NZL"}), ("partners", {"org": "NATO"}),
                         ("sources", {"subject": "NZL"}), ("organizations", {})]:
        assert run_query(again, name, params).rows == run_query(memory_store, name, params).rows
