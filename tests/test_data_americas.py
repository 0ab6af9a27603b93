"""The Americas slice and the universal organisations: UN, OAS, MERCOSUR, CELAC, the Commonwealth.

Every expectation below is written from the sources read (named in each test), not from the
tables: member lists, counts the organisations publish, and the dated changes up to 2026-11-30.
"""

from __future__ import annotations

import pytest

import facts
from facts import UN_MEMBERS

from kg.build import build
from kg.query import run_query

END = "2026-11-30"
FULL = {"founding member", "member", "suspended"}


@pytest.fixture(scope="module")
def store(memory_store):
    return memory_store


def rows(store, org: str, at: str) -> dict[str, str]:
    """member -> role of every spell in force on ``at``."""
    return facts.roles(store, org, at)


def full_members(store, org: str, at: str = END) -> set[str]:
    return {m for m, role in rows(store, org, at).items() if role in FULL}


def with_role(store, org: str, role: str, at: str = END) -> set[str]:
    return {m for m, r in rows(store, org, at).items() if r == role}


def spells(store, org: str, member: str) -> list[tuple[str, str, str | None]]:
    result = run_query(store, "members", {"org": org})
    out = []
    for row in result.rows:
        r = dict(zip(result.columns, row))
        if r["member"] == member:
            out.append((r["role"], r["start"], r["end"]))
    return sorted(out, key=lambda s: s[1])


# -- United Nations -------------------------------------------------------------------------
# UN, "Member States" (un.org): 193 Member States (tests/facts.py); UN Dag Hammarskjöld Library,
# "UN Membership: Observers": the Holy See and the State of Palestine are the non-member observer
# States.
UN_193 = UN_MEMBERS


def test_un_members_unchanged_through_2026(store):
    # no admission or withdrawal since South Sudan (14 July 2011): UN "Member States"
    assert len(UN_193) == 193
    assert full_members(store, "UN") == UN_193
    assert full_members(store, "UN", "2024-04-05") == UN_193
    assert "SSD" not in full_members(store, "UN", "2011-07-13")
    assert "SSD" in full_members(store, "UN", "2011-07-14")


def test_un_observer_states_and_palestine_2024(store):
    # UNISPAL, Secretary-General's note of 16 July 2024: resolution ES-10/23 (10 May 2024) "has not
    # changed the status of the State of Palestine ... as a non-member observer State".
    assert with_role(store, "UN", "observer") == {"VAT", "PSE"}
    assert with_role(store, "UN", "observer", "2024-06-01") == {"VAT", "PSE"}
    # PLO observer from resolution 3237 of 22 November 1974 (Economic Cooperation Foundation)
    assert "PSE" not in rows(store, "UN", "1974-11-21")
    assert rows(store, "UN", "1975-01-01")["PSE"] == "observer"


def test_un_indonesia_absence(store):
    # Rappler, "What happened when Indonesia 'withdrew' from the United Nations"; The Press,
    # 19 September 1966: Indonesia out of the UN in 1965, back in September 1966.
    assert "IDN" not in full_members(store, "UN", "1966-01-01")
    assert "IDN" in full_members(store, "UN", "1967-01-01")


# -- OAS ------------------------------------------------------------------------------------
# OAS, "Member States": 35 states have ratified the Charter; Venezuela's (April 2019) and
# Nicaragua's (19 November 2023, AP and AFP) withdrawals leave 33.
OAS_33 = set(
    """ATG ARG BHS BRB BLZ BOL BRA CAN CHL COL CRI CUB DMA DOM ECU SLV GRD GTM GUY HTI HND JAM MEX
    PAN PRY PER KNA LCA VCT SUR TTO USA URY""".split()
)


def test_oas_members(store):
    assert len(OAS_33) == 33
    assert full_members(store, "OAS") == OAS_33
    assert full_members(store, "OAS", "2023-11-18") == OAS_33 | {"NIC"}
    assert "VEN" in full_members(store, "OAS", "2019-03-01")
    assert "VEN" not in full_members(store, "OAS", "2019-05-01")


def test_oas_suspensions(store):
    # OAS press release GA-12-09 (3 June 2009): Resolution VI of 31 January 1962 excluded Cuba's
    # government and "hereby ceases to have effect"; Xinhua / OAS E-698/11: Honduras 2009-2011.
    assert rows(store, "OAS", "1970-01-01")["CUB"] == "suspended"
    assert rows(store, "OAS", "2010-01-01")["CUB"] == "member"
    assert rows(store, "OAS", "2010-01-01")["HND"] == "suspended"
    assert rows(store, "OAS", "2011-06-01")["HND"] == "member"


# -- MERCOSUR --------------------------------------------------------------------------------
def test_mercosur_states_parties(store):
    # the four signatories of the Treaty of Asunción (China Daily, 2012); Venezuela suspended since
    # 1 December 2016 (O Paraná, IstoÉ); Bolivia's accession protocol in force in August 2024, 30
    # days after the ratification deposited at the Asunción summit of 8 July 2024 (MERCOSUR), i.e. on
    # 7 August 2024 (La Ventana, quoting the Bolivian Minister of Justice).
    assert full_members(store, "MERCOSUR", "1992-01-01") == {"ARG", "BRA", "PRY", "URY"}
    assert full_members(store, "MERCOSUR") == {"ARG", "BRA", "PRY", "URY", "VEN", "BOL"}
    assert with_role(store, "MERCOSUR", "suspended") == {"VEN"}
    assert "BOL" not in full_members(store, "MERCOSUR", "2024-08-06")
    assert "BOL" in full_members(store, "MERCOSUR", "2024-08-07")


def test_mercosur_paraguay_2012_2013(store):
    # BBC, 29 June 2012 (suspension at Mendoza); R7, 12 July 2013 (ends from 15 August 2013)
    assert rows(store, "MERCOSUR", "2012-06-28")["PRY"] == "founding member"
    assert rows(store, "MERCOSUR", "2012-06-29")["PRY"] == "suspended"
    assert rows(store, "MERCOSUR", "2013-08-14")["PRY"] == "suspended"
    assert rows(store, "MERCOSUR", "2013-08-15")["PRY"] == "member"
    # Venezuela a full member from 31 July 2012 (AFP, 29 June 2012)
    assert rows(store, "MERCOSUR", "2012-08-01")["VEN"] == "member"


def test_mercosur_associated_states(store):
    # Chile from 1 October 1996 (Chicago Tribune); Peru 2003, Colombia and Ecuador December 2004
    # (Rebelión); Guyana and Suriname 12 July 2013 (G1); Panama 6 December 2024 (AFP).
    assert with_role(store, "MERCOSUR", "associate") == {"CHL", "PER", "COL", "ECU", "GUY", "SUR", "PAN"}
    assert "PAN" not in rows(store, "MERCOSUR", "2024-12-05")
    assert rows(store, "MERCOSUR", "2024-12-06")["PAN"] == "associate"


# -- CELAC -----------------------------------------------------------------------------------
CELAC_33 = set(
    """ATG ARG BHS BRB BLZ BOL BRA CHL COL CRI CUB DMA DOM ECU SLV GRD GTM GUY HTI HND JAM MEX NIC
    PAN PRY PER KNA LCA VCT SUR TTO URY VEN""".split()
)


def test_celac_members_and_brazil(store):
    # Ministry of Energy of Trinidad and Tobago: the 33 members of the Declaration of Caracas
    # (3 December 2011); Brazil suspended its participation on 16 January 2020 (Runrun.es) and
    # returned "fully and immediately" on 5 January 2023 (AFP).
    assert len(CELAC_33) == 33
    assert full_members(store, "CELAC", "2011-12-03") == CELAC_33
    assert full_members(store, "CELAC") == CELAC_33
    assert rows(store, "CELAC", "2021-01-01")["BRA"] == "suspended"
    assert rows(store, "CELAC", "2023-01-05")["BRA"] == "member"


# -- Commonwealth ----------------------------------------------------------------------------
# Commonwealth: "a voluntary association of 56 independent and equal countries" (Samoa News,
# CHOGM 2024); Gabon and Togo the 55th and 56th members from 25 June 2022 (Patricia Scotland, IGIHE).
CWLTH_56 = set(
    """ATG AUS BHS BGD BRB BLZ BWA BRN CMR CAN CYP DMA SWZ FJI GAB GMB GHA GRD GUY IND JAM KEN KIR
    LSO MWI MYS MDV MLT MUS MOZ NAM NRU NZL NGA PAK PNG RWA KNA LCA VCT WSM SYC SLE SGP SLB ZAF
    LKA TZA TGO TON TTO TUV UGA GBR VUT ZMB""".split()
)


def test_commonwealth_56_members(store):
    assert len(CWLTH_56) == 56
    assert full_members(store, "CWLTH") == CWLTH_56
    assert full_members(store, "CWLTH", "2024-04-05") == CWLTH_56
    assert full_members(store, "CWLTH", "2022-06-24") == CWLTH_56 - {"GAB", "TGO"}


@pytest.mark.parametrize(
    ("at", "count"),
    [
        ("2010-01-01", 54),  # Rwanda the 54th member (ABC, 29 November 2009)
        ("2014-01-01", 53),  # The Gambia left "the 54-member grouping" (Reuters, 2 October 2013)
        ("2017-01-01", 52),  # the Maldives left "the 53-state grouping" (Daily Mail, 13 October 2016)
        ("2020-02-01", 54),  # the Maldives rejoined "as 54th member" (Reuters via IOL)
    ],
)
def test_commonwealth_counts_over_time(store, at, count):
    assert len(full_members(store, "CWLTH", at)) == count


def test_commonwealth_suspensions(store):
    # Gabon: partially suspended 18 September 2023 (Guyana Chronicle), lifted 15 July 2025 (Zambia
    # Monitor); Fiji: suspended 8 December 2006 (BBC), full member again 26 September 2014
    # (Commonwealth Secretariat); Nigeria 11 November 1995 (CNN) to 29 May 1999 (IRIN).
    assert rows(store, "CWLTH", "2024-01-01")["GAB"] == "suspended"
    assert rows(store, "CWLTH", "2025-07-15")["GAB"] == "member"
    assert rows(store, "CWLTH", "2010-01-01")["FJI"] == "suspended"
    assert rows(store, "CWLTH", "2014-09-26")["FJI"] == "member"
    assert rows(store, "CWLTH", "1997-01-01")["NGA"] == "suspended"
    assert rows(store, "CWLTH", "1999-05-29")["NGA"] == "member"
    assert rows(store, "CWLTH", "2003-01-01")["ZWE"] == "suspended"


def test_commonwealth_withdrawals_and_returns(store):
    # Zimbabwe quit on 7 December 2003 (CNN/Reuters); The Gambia left in October 2013 (Reuters)
    # and rejoined on 8 February 2018 (UK Government); the Maldives left on 13 October 2016 and
    # rejoined on 1 February 2020; South Africa left on 31 May 1961 and rejoined on 1 June 1994
    # (The Independent; Britannica); Ireland left on 18 April 1949 (IrelandXO).
    assert "ZWE" not in full_members(store, "CWLTH", "2003-12-07")
    assert "GMB" not in full_members(store, "CWLTH", "2015-01-01")
    assert "GMB" in full_members(store, "CWLTH", "2018-02-08")
    assert "MDV" not in full_members(store, "CWLTH", "2016-10-13")
    assert "MDV" in full_members(store, "CWLTH", "2020-02-01")
    assert "ZAF" not in full_members(store, "CWLTH", "1970-01-01")
    assert "ZAF" in full_members(store, "CWLTH", "1994-06-01")
    assert "IRL" in full_members(store, "CWLTH", "1949-04-17")
    assert "IRL" not in full_members(store, "CWLTH", "1949-04-18")
    assert "PAK" not in full_members(store, "CWLTH", "1980-01-01")


def test_commonwealth_joining_days_from_the_secretariat(store):
    # Commonwealth Secretariat, "Our history": Ghana 6 March 1957, Nigeria 1 October 1960,
    # Cyprus 13 March 1961, Jamaica 6 August 1962, Kenya 12 December 1963, Guyana 26 May 1966,
    # Botswana 30 September 1966, Lesotho 4 October 1966, Barbados 30 November 1966, Fiji 10 October 1970.
    expected = {
        "GHA": "1957-03-06", "NGA": "1960-10-01", "CYP": "1961-03-13", "JAM": "1962-08-06",
        "KEN": "1963-12-12", "GUY": "1966-05-26", "BWA": "1966-09-30", "LSO": "1966-10-04",
        "BRB": "1966-11-30", "FJI": "1970-10-10",
    }
    for member, start in expected.items():
        assert spells(store, "CWLTH", member)[0][1] == start, member
