"""The European and Eurasian organisations brought current to 30 November 2026, checked against facts
written out here from the sources read (each test names its source), not read back from the tables.

Organisations: the EU and its predecessors (ECSC, EEC, EC), the Council of Europe, the OSCE, the
CSTO, the CIS, the EAEU, the Warsaw Pact and the OECD. The store is built from the packaged data
(the session fixture ``memory_store`` of ``conftest.py``).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from kg.query import run_query

DATA = Path(__file__).resolve().parent.parent / "data"
NOW = "2026-11-30"
FULL = {"member", "founding member", "suspended"}


@pytest.fixture(scope="module")
def store(memory_store):
    return memory_store


def roles(store, org: str, at: str) -> dict[str, str]:
    """Member -> role of every spell in force on ``at``."""
    result = run_query(store, "members", {"org": org, "at": at})
    rows = [dict(zip(result.columns, row)) for row in result.rows]
    return {r["member"]: r["role"] for r in rows}


def full(store, org: str, at: str) -> set[str]:
    return {m for m, role in roles(store, org, at).items() if role in FULL}


def observers(store, org: str, at: str) -> set[str]:
    return {m for m, role in roles(store, org, at).items() if role == "observer"}


def spells(store, org: str, member: str) -> list[dict[str, str]]:
    result = run_query(store, "members", {"org": org})
    rows = [dict(zip(result.columns, row)) for row in result.rows]
    return [r for r in rows if r["member"] == member]


# --- CSTO -------------------------------------------------------------------------------------
CSTO_SIX = {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"}


@pytest.mark.parametrize("at", ["2013-01-01", "2024-04-05", "2025-11-27", NOW])
def test_csto_has_six_members(store, at):
    # TASS, 19 December 2012 ("CSTO leaders suspend Uzbekistan's membership"): "The CSTO members
    # henceforth are Armenia, Belarus, Kazakhstan, Kyrgyzstan, Russia and Tajikistan." Armenia is
    # still a member: no withdrawal notified (OC Media, November 2025; APA, Zakharova: "Armenia
    # remains a full-fledged CSTO member"; Vestnik Kavkaza 2026: no unfreezing in 2026).
    assert full(store, "CSTO", at) == CSTO_SIX


def test_uzbekistan_left_the_csto_in_2012_and_is_not_an_open_suspension(store):
    # PanARMENIAN, 24 June 2006: membership restored at the Minsk summit (Friday 23 June 2006);
    # TASS, 28 June 2012: note suspending membership received; TASS and RFE/RL, 19 December 2012:
    # the Collective Security Council granted the request ("CSTO Accepts Uzbekistan's Withdrawal").
    assert "UZB" in full(store, "CSTO", "2006-06-23")
    assert "UZB" not in full(store, "CSTO", "2006-06-22")
    assert "UZB" in full(store, "CSTO", "2012-12-18")
    assert "UZB" not in roles(store, "CSTO", "2012-12-19")
    assert all(s["end"] for s in spells(store, "CSTO", "UZB")), "no open-ended Uzbek spell"
    assert not [s for s in spells(store, "CSTO", "UZB") if s["role"] == "suspended"]


def test_armenia_froze_its_csto_participation_but_did_not_withdraw(store):
    # Novaya Gazeta Europe, 23 February 2024 (the freeze; the Secretariat had no notification);
    # OC Media, November 2025 (withdrawal "not on the Foreign Ministry's agenda").
    assert roles(store, "CSTO", NOW)["ARM"] == "founding member"
    assert [s["end"] for s in spells(store, "CSTO", "ARM")] == [None]


def test_azerbaijan_and_georgia_left_the_collective_security_treaty_in_1999(store):
    # Jamestown Monitor (April 1999): Georgia, Azerbaijan and Uzbekistan declined the prolongation
    # protocol and were outside the treaty when it expired on 20 April 1999.
    for member in ("AZE", "GEO"):
        assert [(s["start"], s["end"]) for s in spells(store, "CSTO", member)] == [("1994-04-20", "1999-04")]


# --- CIS --------------------------------------------------------------------------------------
CIS_NINE = {"ARM", "AZE", "BLR", "KAZ", "KGZ", "MDA", "RUS", "TJK", "UZB"}


@pytest.mark.parametrize("at", ["2024-04-05", NOW])
def test_cis_nine_member_states_and_turkmenistan_associate(store, at):
    # CIA World Factbook: nine members, Turkmenistan an associate member. Moldova's withdrawal takes
    # effect twelve months after its notification, given no earlier than 2026 (TASS, 20 January
    # 2026: "Moldova's withdrawal from CIS to take more than one year").
    current = roles(store, "CIS", at)
    assert {m for m, r in current.items() if r in FULL} == CIS_NINE
    assert current["TKM"] == "associate"
    assert "UKR" not in current and "GEO" not in current


def test_cis_georgia_and_ukraine_left(store):
    # The Messenger, 29 September 2008: Georgia out on 18 August 2009. AzVision, 19 May 2018:
    # Poroshenko's decree recalling Ukraine's representatives from all CIS bodies.
    assert "GEO" in roles(store, "CIS", "2009-08-17") and "GEO" not in roles(store, "CIS", "2009-08-18")
    assert roles(store, "CIS", "2018-05-18").get("UKR") == "associate"
    assert "UKR" not in roles(store, "CIS", "2018-05-19")


# --- EAEU -------------------------------------------------------------------------------------
def test_eaeu_five_members(store):
    # Russian Foreign Ministry, "About Eurasian Economic Union": the Treaty signed by Belarus,
    # Kazakhstan and Russia, in force 1 January 2015; Armenia from 2 January 2015, Kyrgyzstan from
    # 6 August 2015. TASS, 18 September 2025: no application for membership.
    assert full(store, "EAEU", NOW) == {"ARM", "BLR", "KAZ", "KGZ", "RUS"}
    assert full(store, "EAEU", "2015-01-01") == {"BLR", "KAZ", "RUS"}
    assert full(store, "EAEU", "2015-01-02") == {"ARM", "BLR", "KAZ", "RUS"}
    assert "KGZ" not in full(store, "EAEU", "2015-08-05") and "KGZ" in full(store, "EAEU", "2015-08-06")


def test_eaeu_observers(store):
    # Eurasian Economic Commission, "Observer state status at the EAEU": Moldova on 14 May 2018,
    # Cuba and Uzbekistan on 11 December 2020. Mehr, 23 December 2024 and MENAFN, 29 December
    # 2024: Iran granted the status at the St Petersburg summit of 26 December 2024.
    assert observers(store, "EAEU", "2018-05-14") == {"MDA"}
    assert observers(store, "EAEU", "2020-12-11") == {"MDA", "CUB", "UZB"}
    assert observers(store, "EAEU", "2024-12-25") == {"MDA", "CUB", "UZB"}
    assert observers(store, "EAEU", "2024-12-26") == {"MDA", "CUB", "UZB", "IRN"}


# --- Council of Europe, OSCE, OECD, EU ----------------------------------------------------------
def test_council_of_europe_46_members_and_five_observers(store):
    # Türkiye MFA and Wikipedia ("46 European member states ... as of 2026"); Hungarian
    # representation to the Council of Europe: Canada, the Holy See, Japan, Mexico and the United
    # States are observers.
    assert len(full(store, "COE", NOW)) == 46
    assert "RUS" not in full(store, "COE", NOW)
    assert observers(store, "COE", NOW) == {"CAN", "VAT", "JPN", "MEX", "USA"}


def test_osce_57_participating_states(store):
    # Swiss FDFA (OSCE Chairpersonship 2026): 57 participating States; OSCE, 22 June 2006:
    # Montenegro the 56th; Austrian Foreign Ministry, 21 November 2012: Mongolia the 57th.
    assert len(full(store, "OSCE", NOW)) == 57
    assert len(full(store, "OSCE", "2006-06-22")) == 56
    assert "MNE" not in full(store, "OSCE", "2006-06-21")
    # Albanian MFA: participating State from the Berlin Council of Ministers (19-20 June 1991).
    assert "ALB" in full(store, "OSCE", "1991-06-19")


def test_oecd_38_members(store):
    # Tico Times (AFP), 25 May 2021: Costa Rica the 38th member; OECD "38 member countries" through
    # 2025 (Romania Insider, 15 September 2025: Romania not yet a member).
    assert len(full(store, "OECD", "2021-05-24")) == 37
    assert len(full(store, "OECD", "2021-05-25")) == 38
    assert len(full(store, "OECD", "2025-09-15")) == 38
    # French MFA (depositary), 28 April 2020: Colombia the 37th member.
    assert "COL" in full(store, "OECD", "2020-04-28") and "COL" not in full(store, "OECD", "2020-04-27")


def test_eu_27_members(store):
    # European Commission, "From 6 to 27 members": 27 since the United Kingdom left on 1 February
    # 2020; no accession treaty in force by 2026 (Montenegro's was still being drafted in 2026).
    assert len(full(store, "EU", NOW)) == 27
    assert "GBR" not in full(store, "EU", NOW)


def test_warsaw_pact_albania_left_on_13_september_1968(store):
    # bpb, Deutschland-Chronik "14. Mai 1955": "am 13. 9. 1968 tritt Albanien aus dem Pakt aus".
    assert "ALB" in full(store, "WARSAW", "1968-09-12")
    assert "ALB" not in full(store, "WARSAW", "1968-09-13")


# --- Successors ----------------------------------------------------------------------------------
def test_predecessors_are_continued_by_their_successors(store):
    # European Parliament (Maastricht Treaty; Treaty of Lisbon): the EEC became the EC on
    # 1 November 1993, the EC was replaced by the EU on 1 December 2009; CVCE, "The expiry of the
    # ECSC Treaty", and Decision 2002/595/EC: on its expiry the ECSC's subject matter and assets
    # passed to the European Community.
    query = """
        PREFIX al: <https://w3id.org/alignment-kg/ontology#>
        SELECT ?a ?b WHERE { ?x al:continuedBy ?y . ?x al:code ?a . ?y al:code ?b }
    """
    pairs = {(str(a), str(b)) for a, b in run_query(store, query, {}).rows}
    assert {("EEC", "EC"), ("EC", "EU"), ("ECSC", "EC")} <= pairs


def test_the_predecessors_spells_meet_their_successors(store):
    # EEC to 1 November 1993, EC from then to 1 December 2009 (European Parliament); ECSC to
    # 23 July 2002 (EUROPA, "Expiry of the ECSC Treaty").
    assert len(full(store, "EEC", "1993-10-31")) == 12 and not full(store, "EEC", "1993-11-01")
    assert len(full(store, "EC", "1993-11-01")) == 12 and not full(store, "EC", "2009-12-01")
    assert len(full(store, "EC", "2009-11-30")) == 27
    assert len(full(store, "ECSC", "2002-07-22")) == 15 and not full(store, "ECSC", "2002-07-23")


# --- Sources ---------------------------------------------------------------------------------------
FORBIDDEN = re.compile(
    r"blogspot|wordpress\.com|medium\.com|azkurs|vlex|blogen|wikiwand|wikimili|liquisearch|kiwix|"
    r"wikipedia-on-ipfs|owiki|ecotaf|worldpopulationreview|worldatlas|yumpu|docslib|filesoo|"
    r"academic\.ru|en-academic|simple\.wikipedia|cloudfront|windowstorussia|satrapia")


def test_no_forbidden_source_in_the_europe_sources():
    with open(DATA / "sources-europe.csv", newline="", encoding="utf-8") as f:
        bad = [row["id"] for row in csv.DictReader(f) if FORBIDDEN.search(row["url"] or "")]
    assert bad == []


def test_coverage_is_honest_where_2026_was_not_confirmed(store):
    query = """
        PREFIX al: <https://w3id.org/alignment-kg/ontology#>
        SELECT ?org ?kind ?complete WHERE {
          ?s a al:CoverageStatement ; al:scope ?o ; al:factKind ?kind ; al:complete ?complete .
          ?o al:code ?org }
    """
    coverage = {(str(o), str(k)): str(c).lower() for o, k, c in run_query(store, query, {}).rows}
    assert coverage[("CSTO", "memberships")] == "false"
    assert coverage[("OECD", "memberships")] == "false"
    assert coverage[("EU", "memberships")] == "true"
