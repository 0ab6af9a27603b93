"""NATO's partnerships, summits and stances in the curated data, checked against lists stated here.

The expected lists below are written out independently of the CSV tables, each with the
public source it comes from, so that a row lost or mistyped in the data fails a test.
"""

from __future__ import annotations

import pytest

from kg.build import build
from kg.query import run_query

store = build("memory")

AL = "PREFIX al: <https://w3id.org/alignment-kg/ontology#>\n"
PROV = "PREFIX prov: <http://www.w3.org/ns/prov#>\n"

# Partnership for Peace: the states that signed the Framework Document, with the date of signature.
# Sources: NATO, "Partnership for Peace: Framework Document" (10 January 1994) launches PfP; NATO's
# 1994 chronology (Romania 26 January, Lithuania 27 January); the White House fact sheet of
# 2 March 1994 (ten joiners by 28 February 1994); NATO's and governments' pages on each partner,
# and for the few days no such page gives, NATO's signatures list as reproduced on Wikipedia
# ("Partnership for Peace"; said in the rows' notes); NATO Update of 14 December 2006 (Bosnia
# and Herzegovina, Montenegro, Serbia); NATO, "Malta re-engages in the Partnership for Peace
# Programme" (3 April 2008).
PFP_SIGNED = {
    "ROU": "1994-01-26", "LTU": "1994-01-27", "POL": "1994-02-02", "EST": "1994-02-03",
    "HUN": "1994-02-08", "UKR": "1994-02-08", "SVK": "1994-02-09", "BGR": "1994-02-14",
    "LVA": "1994-02-14", "ALB": "1994-02-23", "CZE": "1994-03-10", "MDA": "1994-03-16",
    "GEO": "1994-03-23", "SVN": "1994-03-30", "AZE": "1994-05-04", "FIN": "1994-05-09",
    "SWE": "1994-05-09", "TKM": "1994-05-10", "KAZ": "1994-05-27", "KGZ": "1994-06-01",
    "RUS": "1994-06-22", "UZB": "1994-07-13", "ARM": "1994-10-05", "BLR": "1995-01-11",
    "AUT": "1995-02-10", "MLT": "1995-04-26", "MKD": "1995-11-15", "CHE": "1996-12-11",
    "IRL": "1999-12-01", "HRV": "2000-05-25", "TJK": "2002-02-20", "BIH": "2006-12-14",
    "MNE": "2006-12-14", "SRB": "2006-12-14",
}
# PfP partners that later became Allies, with the day of accession (the sources of
# data/memberships.csv: White House 1999, VOA 2004, US State Department 2009, NATO 2017-2024).
PFP_NOW_ALLIES = {
    "CZE": "1999-03-12", "HUN": "1999-03-12", "POL": "1999-03-12",
    "BGR": "2004-03-29", "EST": "2004-03-29", "LTU": "2004-03-29", "LVA": "2004-03-29",
    "ROU": "2004-03-29", "SVK": "2004-03-29", "SVN": "2004-03-29",
    "ALB": "2009-04-01", "HRV": "2009-04-01", "MNE": "2017-06-05", "MKD": "2020-03-27",
    "FIN": "2023-04-04", "SWE": "2024-03-07",
}
# PfP partners whose practical cooperation NATO suspended: Russia on 1 April 2014 (NATO foreign
# ministers; China Daily and the Hungarian Ministry of Defence, April 2014), Belarus in
# November 2021 (NATO, "Relations with Belarus", 2024).
PFP_SUSPENDED = {"RUS", "BLR"}

# Mediterranean Dialogue: NATO Press Release (2000) 027, "Algeria's participation in NATO's
# Mediterranean Dialogue": Algeria, Egypt, Israel, Jordan, Mauritania, Morocco and Tunisia.
MD = {"DZA", "EGY", "ISR", "JOR", "MRT", "MAR", "TUN"}
# Istanbul Cooperation Initiative: NATO, "United Arab Emirates to develop cooperation with NATO"
# (22 June 2005): Bahrain, Qatar, Kuwait and the United Arab Emirates have joined.
ICI = {"BHR", "KWT", "QAT", "ARE"}
# Partners across the globe: NATO, "Relations with partners across the globe" (7 March 2024):
# Afghanistan, Australia, Colombia, Iraq, Japan, the Republic of Korea, Mongolia, New Zealand, Pakistan.
PATG = {"AFG", "AUS", "COL", "IRQ", "JPN", "KOR", "MNG", "NZL", "PAK"}
# Enhanced Opportunities Partners: GMF, "NATO's Enhanced Opportunities Partners" (Wales 2014:
# Australia, Finland, Georgia, Jordan, Sweden); Cubasí, 12 June 2020 (Ukraine the sixth);
# NATO, "Partnership Interoperability Initiative" (March 2024): currently Australia, Georgia,
# Jordan and Ukraine.
EOP_2020 = {"AUS", "FIN", "GEO", "JOR", "SWE", "UKR"}
EOP_NOW = {"AUS", "GEO", "JOR", "UKR"}

# The day each framework began (a month means its first day): PfP at the Brussels Summit of
# January 1994; the Mediterranean Dialogue initiated by the North Atlantic Council in December
# 1994; the Istanbul Cooperation Initiative launched at the Istanbul Summit, June 2004.
FRAMEWORK_BEGAN = {"PFP": "1994-01-01", "MD": "1994-12-01", "ICI": "2004-06-01"}

# Indo-Pacific partners at the Madrid Summit: NATO, "NATO leaders meet with key partners to
# address global challenges, Indo-Pacific partners participate in a NATO Summit for the first
# time" (29 June 2022).
INDO_PACIFIC = {"AUS", "JPN", "KOR", "NZL"}


def partners(at: str | None = None) -> set[tuple[str, str, str]]:
    """(partner, framework, status) of NATO's partners on a day (default: the dataset's day)."""
    params = {"org": "NATO"} if at is None else {"org": "NATO", "at": at}
    return {(row[0], row[2], row[3]) for row in run_query(store, "partners", params).rows}


def in_framework(rows: set[tuple[str, str, str]], framework: str) -> set[str]:
    return {partner for partner, fw, _ in rows if fw == framework}


def select(sparql: str) -> list[list]:
    return run_query(store, AL + PROV + sparql).rows


def test_current_partners_include_every_curated_partner():
    rows = partners()
    current_pfp = set(PFP_SIGNED) - set(PFP_NOW_ALLIES)
    assert in_framework(rows, "PFP") == current_pfp
    assert in_framework(rows, "MD") == MD
    assert in_framework(rows, "ICI") == ICI
    assert in_framework(rows, "PATG") == PATG
    assert in_framework(rows, "EOP") == EOP_NOW


def test_every_pfp_signatory_is_a_partner_from_its_signature():
    for state, day in PFP_SIGNED.items():
        rows = partners(day)
        assert (state, "PFP", "active") in rows, state
        assert state not in in_framework(partners("1994-01-01"), "PFP")


def test_suspended_pfp_partners():
    rows = partners()
    for state in PFP_SUSPENDED:
        assert (state, "PFP", "suspended") in rows
    assert ("RUS", "PFP", "active") in partners("2014-03-31")
    assert ("RUS", "PFP", "suspended") in partners("2014-04-01")


def test_malta_left_and_rejoined_the_partnership_for_peace():
    # NATO, "Malta re-engages in the Partnership for Peace Programme": joined April 1995,
    # suspended its participation in October 1996, re-activated at the 2008 Bucharest Summit.
    assert ("MLT", "PFP", "active") in partners("1996-01-01")
    assert ("MLT", "PFP", "suspended") in partners("2000-01-01")
    assert ("MLT", "PFP", "active") in partners("2008-04-03")


def test_no_pfp_partnership_of_an_ally_is_active_after_its_accession():
    members = {row[0]: row[3] for row in run_query(store, "members", {"org": "NATO"}).rows}
    for state, day in PFP_NOW_ALLIES.items():
        assert members[state] == day, state
        assert state in in_framework(partners(_day_before(day)), "PFP"), state
        assert state not in in_framework(partners(day), "PFP"), state
    # and generally: no Ally's PfP partnership outlives its accession, whatever the data says
    rows = select(
        """SELECT ?code WHERE {
             ?m a al:Membership ; al:organization/al:code "NATO" ; al:member ?x ; al:start ?joined .
             ?x al:code ?code .
             ?p a al:Partnership ; al:partner ?x ; al:framework/al:code "PFP" .
             FILTER NOT EXISTS { ?p al:step ?s . ?s al:status/al:code "ended" ; al:start ?e . FILTER(?e <= ?joined) }
           }"""
    )
    assert rows == []


def test_enhanced_opportunities_partners():
    assert in_framework(partners("2020-12-31"), "EOP") == EOP_2020
    assert in_framework(partners("2014-08-31"), "EOP") == set()


@pytest.mark.parametrize("framework", sorted(FRAMEWORK_BEGAN))
def test_no_step_before_the_framework_existed(framework):
    rows = select(
        f"""SELECT ?code (MIN(?start) AS ?first) WHERE {{
              ?p a al:Partnership ; al:code ?code ; al:framework/al:code "{framework}" ; al:step/al:start ?start .
            }} GROUP BY ?code"""
    )
    assert rows, framework
    for code, first in rows:
        assert first >= FRAMEWORK_BEGAN[framework], code


def test_every_partnership_step_has_a_source():
    rows = select(
        "SELECT ?s WHERE { ?s a al:PartnershipStep . FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?src } }"
    )
    assert rows == []


def test_korea_itpp_dated_by_two_sources():
    rows = select(
        """SELECT ?start WHERE {
             ?p al:code "KOR-NATO-ITPP" ; al:step ?s . ?s al:start ?start ; al:status/al:code "active" .
           } ORDER BY ?start"""
    )
    assert [r[0] for r in rows] == ["2023-07-11", "2023-07-13"]


# NATO summits: the list of NATO summit meetings (Wikipedia, "NATO summit"; the Permanent
# Representation of Italy to NATO, "Summit") from Paris 1957 to Washington 2024.
SUMMIT_YEARS = [1957, 1974, 1975, 1977, 1978, 1982, 1985, 1988, 1989, 1989, 1990, 1991, 1994, 1997,
                1997, 1999, 2002, 2004, 2006, 2008, 2009, 2010, 2012, 2014, 2016, 2017, 2018,
                2019, 2021, 2022, 2022, 2023, 2024]


def nato_summits() -> list[list]:
    return [r for r in run_query(store, "events", {"org": "NATO"}).rows if r[0].startswith("NATO-SUMMIT-")]


def test_summits_from_paris_1957_to_washington_2024():
    summits = nato_summits()
    codes = {r[0] for r in summits}
    for code in ("NATO-SUMMIT-1957-PARIS", "NATO-SUMMIT-2022-MADRID", "NATO-SUMMIT-2023-VILNIUS",
                 "NATO-SUMMIT-2024-WASHINGTON"):
        assert code in codes
    years = [int(r[2][:4]) for r in summits]
    for year in set(SUMMIT_YEARS):
        assert years.count(year) >= SUMMIT_YEARS.count(year), year
    assert min(years) == 1957


def test_every_nato_summit_has_a_place_and_a_source():
    for code, name, start, end, place in nato_summits():
        assert place, code
        assert end is None or end >= start, code
    rows = select(
        """SELECT ?code WHERE {
             ?e a al:Event ; al:code ?code . FILTER(STRSTARTS(?code, "NATO-SUMMIT-"))
             FILTER NOT EXISTS { ?e prov:wasDerivedFrom ?src }
           }"""
    )
    assert rows == []


def test_indo_pacific_partners_at_madrid_vilnius_and_washington():
    for event in ("NATO-SUMMIT-2022-MADRID", "NATO-SUMMIT-2023-VILNIUS", "NATO-SUMMIT-2024-WASHINGTON"):
        rows = {(r[0], r[2]) for r in run_query(store, "participants", {"event": event}).rows}
        assert {(state, "partner") for state in INDO_PACIFIC} <= rows, event
        assert ("UKR", "partner") in rows, event
    madrid = {r[0] for r in run_query(store, "participants", {"event": "NATO-SUMMIT-2022-MADRID"}).rows}
    assert {"FIN", "SWE", "GEO"} <= madrid


def test_every_ally_supports_ukraine_with_a_source():
    # Statement by NATO Heads of State and Government (24 March 2022, the 30 Allies), the Vilnius
    # Summit Communiqué (2023, with the invitee Sweden associating itself), the Washington Summit
    # Declaration (2024, all 32 Allies).
    allies = {row[0] for row in run_query(store, "members", {"org": "NATO", "at": "2024-07-10"}).rows}
    assert len(allies) == 32
    rows = select(
        """SELECT ?actor ?start WHERE {
             ?s a al:Stance ; al:actor/al:code ?actor ; al:stanceKind "support" ; al:party/al:code "UKR" ;
                prov:wasDerivedFrom ?src .
             OPTIONAL { ?s al:start ?start }
           }"""
    )
    supporters = {r[0] for r in rows}
    assert allies <= supporters
    assert INDO_PACIFIC <= supporters
    # no state's own support is dated to the day of the invasion unless a source says so
    assert all(r[1] != "2022-02-24" for r in rows)


def _day_before(day: str) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()
