"""The European and Eurasian organisations and the big forums, checked against independently stated facts.

Covers ``data/organizations-europe.csv`` and ``data/memberships-europe.csv``: the EU and its
predecessors (ECSC, EEC, EC), the Council of Europe, the OSCE, the CSTO, the CIS, the EAEU, the
SCO, the Warsaw Pact, the OECD, the G7, the G8, the G20 and BRICS. Every expected value below is
written out here, with the source it was read from, rather than read back from the tables.
"""

from __future__ import annotations

import pytest

from kg.dates import parse_date
from kg.query import run_query

ORGS = ["EU", "ECSC", "EEC", "EC", "COE", "OSCE", "CSTO", "CIS", "EAEU", "SCO", "WARSAW", "OECD",
        "G7", "G8", "G20", "BRICS"]
FULL = {"member", "founding member"}


@pytest.fixture(scope="module")
def store(memory_store):
    return memory_store


def spells(store, org, at=None):
    params = {"org": org} if at is None else {"org": org, "at": at}
    return run_query(store, "members", params).rows


def full_members(store, org, at):
    return sorted(row[0] for row in spells(store, org, at) if row[2] in FULL)


def day(text):
    return parse_date(text).first_day()


# --- The European Union ------------------------------------------------------------------------
# Accession dates as the EU counts them (accession to the European Communities), from the European
# Commission's "From 6 to 27 members" (neighbourhood-enlargement.ec.europa.eu/enlargement-policy/
# 6-27-members_en: 1981 to 2013, and the United Kingdom "no longer part of the European Union" as of
# 1 February 2020) and the European Parliament's "40 years of EU enlargements" (the six founders
# from the Treaty of Rome's entry into force on 1 January 1958; the first enlargement 1 January 1973).
EU_ACCESSIONS = {
    **dict.fromkeys(["BEL", "DEU", "FRA", "ITA", "LUX", "NLD"], "1958-01-01"),
    **dict.fromkeys(["DNK", "IRL"], "1973-01-01"),
    "GRC": "1981-01-01",
    **dict.fromkeys(["ESP", "PRT"], "1986-01-01"),
    **dict.fromkeys(["AUT", "FIN", "SWE"], "1995-01-01"),
    **dict.fromkeys(["CYP", "CZE", "EST", "HUN", "LVA", "LTU", "MLT", "POL", "SVK", "SVN"], "2004-05-01"),
    **dict.fromkeys(["BGR", "ROU"], "2007-01-01"),
    "HRV": "2013-07-01",
}


def test_eu_has_27_members_on_2024_04_05_with_their_accession_dates(store):
    rows = spells(store, "EU", "2024-04-05")
    assert {row[0]: row[3] for row in rows} == EU_ACCESSIONS
    assert all(row[4] is None for row in rows)


def test_eu_had_28_members_on_the_last_day_before_brexit(store):
    assert len(spells(store, "EU", "2020-01-31")) == 28
    assert len(spells(store, "EU", "2020-02-01")) == 27


def test_the_united_kingdom_was_a_member_from_1973_to_31_january_2020(store):
    rows = [row for row in spells(store, "EU") if row[0] == "GBR"]
    assert [(row[3], row[4]) for row in rows] == [("1973-01-01", "2020-02-01")]


def test_eu_founders_and_first_enlargement(store):
    # Six founders (1958), nine after the first enlargement (1973), twelve in 1986.
    assert len(spells(store, "EU", "1972-12-31")) == 6
    assert len(spells(store, "EU", "1973-01-01")) == 9
    assert len(spells(store, "EU", "1986-01-01")) == 12


def test_eu_predecessors_are_their_own_organisations(store):
    # ECSC: Treaty of Paris in force 23 July 1952, expired 23 July 2002 (European Parliament,
    # "Treaty of Paris"); EEC: 1 January 1958, became the European Community on 1 November 1993
    # (European Parliament, "Maastricht Treaty"), which the Treaty of Lisbon merged into the EU on
    # 1 December 2009.
    orgs = {row[0]: row for row in run_query(store, "organizations", {"at": "2024-04-05"}).rows}
    assert orgs["ECSC"][3:5] == ["1952-07-23", "2002-07-23"]
    assert orgs["EEC"][3:5] == ["1958-01-01", "1993-11-01"]
    assert orgs["EC"][3:5] == ["1993-11-01", "2009-12-01"]
    assert len(spells(store, "ECSC", "2002-07-22")) == 15
    assert spells(store, "ECSC", "2002-07-23") == []
    assert len(spells(store, "EEC", "1993-10-31")) == 12
    assert len(spells(store, "EC", "2009-11-30")) == 27


# --- Every organisation ----------------------------------------------------------------------
@pytest.mark.parametrize("org", ORGS)
def test_no_member_before_the_organisation_was_founded_or_after_it_was_dissolved(store, org):
    orgs = {row[0]: row for row in run_query(store, "organizations").rows}
    founded, dissolved = orgs[org][3], orgs[org][4]
    assert founded, f"{org} has a founding date"
    rows = spells(store, org)
    assert rows, f"{org} has members"
    for member, _, _, start, end in rows:
        assert day(start) >= day(founded), f"{org}: {member} from {start}, founded {founded}"
        if dissolved:
            assert end is not None and day(end) <= day(dissolved), f"{org}: {member} until {end}"


@pytest.mark.parametrize("org", ORGS)
def test_spells_of_one_member_do_not_overlap(store, org):
    by_member: dict[str, list[tuple]] = {}
    for member, _, _, start, end in spells(store, org):
        by_member.setdefault(member, []).append((day(start), day(end) if end else None))
    for member, periods in by_member.items():
        periods.sort()
        for (_, end), (next_start, _) in zip(periods, periods[1:]):
            assert end is not None and end <= next_start, f"{org}: {member} has overlapping spells"


# --- Member counts as each organisation publishes them ------------------------------------------
@pytest.mark.parametrize(("org", "at", "count"), [
    # Council of Europe (Office in Sarajevo, "Member States map"): "the organisation counts 46 member states".
    ("COE", "2024-04-05", 46),
    # Before Russia's suspension (25 February 2022) and expulsion (16 March 2022): 47.
    ("COE", "2022-02-24", 47),
    # OSCE: 57 participating States (Czech mission to the OSCE, "OSCE"); Mongolia was the 57th on
    # 21 November 2012 (Austrian Foreign Ministry press release of that day).
    ("OSCE", "2024-04-05", 57),
    ("OSCE", "2012-11-20", 56),
    # CSTO: Armenia, Belarus, Kazakhstan, Kyrgyzstan, Russia and Tajikistan (TASS, 19 December
    # 2012: six members after Uzbekistan's withdrawal).
    ("CSTO", "2024-04-05", 6),
    # CIS: "members - (9)", Turkmenistan an associate member (CIA World Factbook).
    ("CIS", "2024-04-05", 9),
    # EAEU: five member states (Wikipedia, "Member states of the Eurasian Economic Union").
    ("EAEU", "2024-04-05", 5),
    # SCO: nine members after Iran (4 July 2023), ten after Belarus joined on 4 July 2024
    # (SCO China 2025, "Shanghai Cooperation Organization (SCO)"; Kazinform, 4 July 2024).
    ("SCO", "2024-04-05", 9),
    ("SCO", "2024-07-04", 10),
    # OECD: "an international organisation of 38 countries" (Eurostat glossary).
    ("OECD", "2024-04-05", 38),
    # G7: seven countries since Canada joined in 1976 (MOFA Japan, G7 Hiroshima FAQ).
    ("G7", "2024-04-05", 7),
    # BRICS: five, then Egypt, Ethiopia, Iran and the UAE from 1 January 2024, Indonesia from
    # 6 January 2025 (The New Arab, 24 August 2023; Sputnik, 6 January 2025).
    ("BRICS", "2023-12-31", 5),
    ("BRICS", "2024-04-05", 9),
    ("BRICS", "2025-01-06", 10),
])
def test_member_counts_match_the_published_counts(store, org, at, count):
    assert len(full_members(store, org, at)) == count


def test_g20_is_19_states_the_eu_and_the_african_union(store):
    # Khaleej Times (8 September 2023): 19 countries and the European Union; the African Union a
    # member from the New Delhi summit, 9 September 2023 (NPR, 9 September 2023).
    states = ["ARG", "AUS", "BRA", "CAN", "CHN", "DEU", "FRA", "GBR", "IDN", "IND", "ITA", "JPN", "KOR",
              "MEX", "RUS", "SAU", "TUR", "USA", "ZAF"]
    assert full_members(store, "G20", "2024-04-05") == sorted(states + ["AU", "EU"])
    assert "AU" not in full_members(store, "G20", "2023-09-08")


# --- Histories ----------------------------------------------------------------------------------
def test_council_of_europe_greece_and_russia(store):
    rows = spells(store, "COE")
    greece = [(row[2], row[3], row[4]) for row in rows if row[0] == "GRC"]
    # Council of Europe, "1969 - Greece withdraws" (12 December 1969) and "1974 - Greece re-joins".
    assert greece == [("member", "1949-08-09", "1969-12-12"), ("member", "1974-11-28", None)]
    russia = [(row[2], row[3], row[4]) for row in rows if row[0] == "RUS"]
    # Council of Europe archives, "Russian Federation": member from 28 February 1996, ceased to be
    # a member as from 16 March 2022; rights of representation suspended on 25 February 2022.
    assert russia == [("member", "1996-02-28", "2022-02-25"), ("suspended", "2022-02-25", "2022-03-16")]
    assert "RUS" not in full_members(store, "COE", "2022-03-16")


def test_council_of_europe_observers(store):
    # HREA, "The Council of Europe's Member States": Canada, the Holy See, Japan, Mexico and the
    # United States are observers to the Committee of Ministers.
    observers = sorted(row[0] for row in spells(store, "COE", "2024-04-05") if row[2] == "observer")
    assert observers == ["CAN", "JPN", "MEX", "USA", "VAT"]


def test_osce_continuity_of_the_soviet_union_and_czechoslovakia(store):
    rows = {(row[0], row[3]): row for row in spells(store, "OSCE")}
    assert rows[("SUN", "1973-07-03")][4] == "1991-12-26"
    assert ("RUS", "1991-12-26") in rows
    assert rows[("CSK", "1973-07-03")][4] == "1993-01-01"
    assert ("CZE", "1993-01-01") in rows and ("SVK", "1993-01-01") in rows
    # 35 States took part in the CSCE until 1990 (CVCE, "CSCE/OSCE participating States").
    assert len(full_members(store, "OSCE", "1990-01-01")) == 35


def test_cis_georgia_and_turkmenistan(store):
    rows = spells(store, "CIS")
    # Georgia's withdrawal took effect on 18 August 2009 (The Messenger, 29 September 2008).
    assert [row[4] for row in rows if row[0] == "GEO"] == ["2009-08-18"]
    # Turkmenistan an associate member as of 26 August 2005 (RFE/RL, 29 August 2005).
    assert [row[2] for row in spells(store, "CIS", "2024-04-05") if row[0] == "TKM"] == ["associate"]


def test_csto_left_by_azerbaijan_georgia_and_uzbekistan_in_1999(store):
    # The three did not sign the protocol of 2 April 1999 that extended the Collective Security
    # Treaty (Jamestown Foundation Monitor, April 1999).
    members_1998 = full_members(store, "CSTO", "1998-12-31")
    members_2000 = full_members(store, "CSTO", "2000-01-01")
    assert {"AZE", "GEO", "UZB"} <= set(members_1998)
    assert not {"AZE", "GEO", "UZB"} & set(members_2000)
    assert len(members_2000) == 6


def test_warsaw_pact_until_its_dissolution(store):
    # Britannica, "Warsaw Pact" (May 14, 1955 - July 1, 1991); the GDR left on 24 September 1990
    # (Bundesregierung); Albania withdrew in 1968.
    assert len(full_members(store, "WARSAW", "1960-01-01")) == 8
    assert full_members(store, "WARSAW", "1991-06-30") == ["BGR", "CSK", "HUN", "POL", "ROU", "SUN"]
    assert spells(store, "WARSAW", "1991-07-01") == []


def test_russia_in_the_g8_is_suspended_from_24_march_2014(store):
    rows = [(row[2], row[3], row[4]) for row in spells(store, "G8") if row[0] == "RUS"]
    # MOFA Japan (G7 Hiroshima FAQ): the G8 from the Birmingham Summit of 1998; Russia's
    # participation suspended in March 2014 (The Hague, 24 March 2014: CBC News); Russia announced
    # its permanent exit on 13 January 2017 (The Independent).
    assert rows == [("founding member", "1998", "2014-03-24"), ("suspended", "2014-03-24", "2017-01-13")]
    assert full_members(store, "G8", "2014-03-24") == []


def test_sco_observers_and_the_2017_enlargement(store):
    # India and Pakistan members from 9 June 2017 (ISSI); Afghanistan and Mongolia observers
    # (SCO China 2025); Belarus an observer from 2015 until it joined.
    assert {"IND", "PAK"} <= set(full_members(store, "SCO", "2017-06-09"))
    assert not {"IND", "PAK"} & set(full_members(store, "SCO", "2017-06-08"))
    observers = sorted(row[0] for row in spells(store, "SCO", "2024-07-04") if row[2] == "observer")
    assert observers == ["AFG", "MNG"]


@pytest.mark.parametrize("org", ORGS)
def test_every_membership_statement_names_a_source_with_a_title(store, org):
    rows = [row for row in run_query(store, "sources", {"subject": org}).rows if f" of {org}" in row[0]]
    assert len({row[0] for row in rows}) >= len({(r[0], r[2], r[3]) for r in spells(store, org)})
    assert all(row[1] and row[2] and row[3] for row in rows)
