"""NAM and OIC: expectations stated from the sources, independently of the tables.

Each expectation names its source (the ids are rows of data/sources-nam.csv).
"""

from __future__ import annotations

import pytest

import facts

from kg.build import build
from kg.query import run_query

AT = "2026-11-30"


@pytest.fixture(scope="module")
def store(memory_store):
    return memory_store


def members(store, org: str, at: str | None = AT) -> list[dict[str, str]]:
    return facts.members(store, org, at)


def full_members(store, org: str, at: str = AT) -> set[str]:
    return facts.full_members(store, org, at)


def roles(store, org: str, at: str = AT) -> dict[str, str]:
    return {r["member"]: r["role"] for r in members(store, org, at)}


# --- OIC ---------------------------------------------------------------------------------------

# OIC, "États Membres" (nam-oic-member-states) and the State Information Service of Egypt
# (w-sis-oic): 57 member states, with their years of joining.
OIC_57 = set(
    "AZE JOR AFG ALB ARE IDN UZB UGA IRN PAK BHR BRN BGD BEN BFA TJK TUR TKM TCD TGO TUN DZA DJI SAU "
    "SEN SDN SYR SUR SLE SOM IRQ OMN GAB GMB GUY GIN GNB PSE COM KGZ QAT KAZ CMR CIV KWT LBN LBY MDV "
    "MLI MYS EGY MAR MRT MOZ NER NGA YEM".split()
)
OIC_JOINED = {
    "UZB": "1996", "TGO": "1997", "GUY": "1998", "CIV": "2001", "NGA": "1986", "BRN": "1984",
    "BEN": "1983", "KAZ": "1995", "MOZ": "1994", "ALB": "1992", "DJI": "1978", "IRQ": "1975",
    "ARE": "1972", "SYR": "1972",
}


def test_oic_has_57_members():
    assert len(OIC_57) == 57


def test_oic_members_now(store):
    assert full_members(store, "OIC") == OIC_57


def test_oic_joining_years(store):
    rows = [r for r in members(store, "OIC", None) if r["role"] in ("member", "founding member")]
    first = {}
    for r in rows:
        first.setdefault(r["member"], r["start"])
        first[r["member"]] = min(first[r["member"]], r["start"])
    for state, year in OIC_JOINED.items():
        assert first[state][:4] == year, state


def test_oic_members_before_the_1990s(store):
    # the 1990s accessions (Azerbaijan ... Guyana) are not yet members in 1990
    assert not {"AZE", "ALB", "KGZ", "TJK", "TKM", "KAZ", "MOZ", "UZB", "SUR", "TGO", "GUY", "CIV"} & full_members(
        store, "OIC", "1990-06-01"
    )


def test_oic_egypt_suspended_1979_to_1984(store):
    # Universalis, "16-19 janvier 1984": Egypt excluded in 1979 after the peace treaty with Israel,
    # invited back by the Casablanca summit (16-19 January 1984).
    assert roles(store, "OIC", "1982-01-01")["EGY"] == "suspended"
    assert roles(store, "OIC", "1985-01-01")["EGY"] == "member"


def test_oic_syria_suspended_2012_reinstated_2025(store):
    # Daily Sabah / TRT World, 7 March 2025: suspended at the Mecca summit of 14-15 August 2012,
    # reinstated by the extraordinary Council of Foreign Ministers in Jeddah on 7 March 2025.
    assert roles(store, "OIC", "2012-06-01")["SYR"] == "member"
    assert roles(store, "OIC", "2020-01-01")["SYR"] == "suspended"
    assert roles(store, "OIC", "2025-03-06")["SYR"] == "suspended"
    assert roles(store, "OIC", "2025-03-07")["SYR"] == "member"


def test_oic_observer_states(store):
    # State Information Service of Egypt: Bosnia and Herzegovina (1994), Central African Republic
    # (1996), Thailand (1998), Russia (2005) and the "Turkish Cypriot State" (1979, not a state here).
    observers = {m for m, role in roles(store, "OIC").items() if role == "observer"}
    assert {"BIH", "CAF", "THA", "RUS"} <= observers
    assert "RUS" not in {m for m, role in roles(store, "OIC", "2004-06-01").items()}


# --- NAM ---------------------------------------------------------------------------------------

# The 25 states of the Belgrade conference, 1-6 September 1961.
BELGRADE = set(
    "AFG DZA YEM MMR KHM LKA COD CUB CYP EGY ETH GHA GIN IND IDN IRQ LBN MLI MAR NPL SAU SOM SDN TUN "
    "YUG".split()
)


def test_nam_founders(store):
    # Wikipedia, "1st Summit" and the NAM chairmanship of Venezuela (w-namvenezuela): 25 states
    # took part in the Belgrade conference as members.
    assert len(BELGRADE) == 25
    founders = {r["member"] for r in members(store, "NAM", None) if r["role"] == "founding member"}
    assert founders == BELGRADE
    assert full_members(store, "NAM", "1962-01-01") == BELGRADE


def test_nam_cairo_1964_participants(store):
    # UN document A/5763 (Programme for Peace and International Co-operation, Cairo, 5-10 October
    # 1964): 47 participating countries, of which 22 were not at Belgrade (Syria was part of the UAR in 1961).
    cairo_new = set("SYR BDI CMR CAF TCD COG BEN JOR KEN KWT LAO LBR LBY MWI MRT NGA SEN SLE TGO UGA TZA ZMB".split())
    assert cairo_new <= full_members(store, "NAM", "1964-11-01")
    assert not cairo_new & full_members(store, "NAM", "1964-01-01")


def test_nam_algiers_1973_joiners(store):
    # Wikipedia, "4th Summit of the Non-Aligned Movement": Argentina, Bangladesh, Bhutan, Malta,
    # Oman, Peru and Qatar joined at the time of the Algiers conference (5-9 September 1973).
    joiners = {"ARG", "BGD", "BTN", "MLT", "OMN", "PER", "QAT"}
    assert joiners <= full_members(store, "NAM", "1973-10-01")
    assert not joiners & full_members(store, "NAM", "1973-01-01")


def test_nam_new_delhi_1983(store):
    # Wikipedia, "7th Summit": Bahamas, Barbados, Colombia and Vanuatu admitted in March 1983.
    assert {"BHS", "BRB", "COL", "VUT"} <= full_members(store, "NAM", "1983-04-01")
    assert not {"BHS", "BRB", "COL", "VUT"} & full_members(store, "NAM", "1983-01-01")


def test_nam_departures(store):
    # AP, 20 September 1991: Argentina withdrew. Cyprus MFA: Cyprus ceased to be a member on
    # joining the EU in May 2004; Malta left in 2004 (Wikipedia, "Malta and the Non-Aligned Movement").
    assert "ARG" in full_members(store, "NAM", "1991-08-01")
    assert "ARG" not in full_members(store, "NAM", "1991-10-01")
    assert {"CYP", "MLT"} <= full_members(store, "NAM", "2003-06-01")
    assert not {"CYP", "MLT", "YUG", "ARG"} & full_members(store, "NAM")


def test_nam_recent_accessions(store):
    # RFE/RL, May 2011: Azerbaijan and Fiji welcomed at the Bali ministerial conference.
    # New Vision, 17 January 2024: South Sudan admitted as the 121st member (observer since 2012,
    # Nile Post).
    assert {"AZE", "FJI"} <= full_members(store, "NAM", "2011-06-01")
    assert "SSD" not in full_members(store, "NAM", "2024-01-16")
    assert roles(store, "NAM", "2020-01-01")["SSD"] == "observer"
    assert "SSD" in full_members(store, "NAM", "2024-01-17")


def test_nam_membership_never_exceeds_published_count(store):
    # New Vision / Trend, January 2024: NAM has 121 members after South Sudan's admission.
    # The dataset does not yet hold every member (data/coverage-nam.csv: complete = no).
    assert len(full_members(store, "NAM")) <= 121


def test_nam_accessions_between_summits(store):
    # US Embassy Lima cable 7062 (25-26 August 1975): North Korea admitted at Lima; JTA, 27 August
    # 1975: PLO membership approved. Viet Nam MOFA: unified Viet Nam joined at Colombo, 1976.
    assert {"PRK", "PSE"} <= full_members(store, "NAM", "1975-09-01")
    assert not {"PRK", "PSE"} & full_members(store, "NAM", "1975-01-01")
    assert "VNM" in full_members(store, "NAM", "1976-09-01")
    # namvenezuela.org: Venezuela an observer from Cairo 1964, a member from Belgrade 1989.
    assert roles(store, "NAM", "1980-01-01")["VEN"] == "observer"
    assert roles(store, "NAM", "1990-01-01")["VEN"] == "member"


def test_nam_post_cold_war_accessions(store):
    # Brunei MFA: September 1992; Thai MFA: 4 October 1993; SAnews: South Africa 1994; Jakarta
    # Post: Eritrea admitted at Bandung, April 1995; Turkmenistan: Cartagena, October 1995;
    # Belarus MFA: 1998; Bernama: Timor-Leste and Saint Vincent endorsed on 24 February 2003.
    assert {"BRN", "THA", "ZAF", "ERI", "TKM", "BLR", "TLS", "VCT"} <= full_members(store, "NAM", "2003-03-01")
    assert not {"BRN", "THA", "ZAF", "ERI", "TKM", "BLR", "TLS", "VCT"} & full_members(store, "NAM", "1992-01-01")
    assert "THA" not in full_members(store, "NAM", "1993-10-03")
    assert "THA" in full_members(store, "NAM", "1993-10-04")


def test_nam_2006_accessions(store):
    # Granma / Xinhua: Dominica and Antigua and Barbuda accepted at Putrajaya (May 2006); NotiCen:
    # Haiti and Saint Kitts and Nevis became members during the Havana summit (September 2006),
    # bringing the total to 118. St Kitts and Nevis Information Service (press release, 17 September
    # 2016): the four became members in 2006.
    assert not {"ATG", "DMA", "HTI", "KNA"} & full_members(store, "NAM", "2006-01-01")
    assert {"ATG", "DMA", "HTI", "KNA"} <= full_members(store, "NAM", "2006-10-01")


# --- NAM, second pass (nam2): the 25 members missing after the first pass ------------------------

# The Fourth Summit, Algiers, 5-9 September 1973 (Wikipedia, "4th Summit", listing the member states
# after the New York Times of 5 September 1973): Madagascar, Niger, Upper Volta (Burkina Faso), Ivory
# Coast, Mauritius, Bahrain and Chile took part as members; none of them was among the 55 states of
# Lusaka 1970 (SAIIA, "Resolutions of the Third Conference of Non-Aligned States"). (Chile's first spell
# ends at year precision, "1973", which compares as 1 January 1973: see its row's note.)
ALGIERS_FIRST_SUMMIT = {"MDG", "NER", "BFA", "CIV", "MUS"}


def first_start(store, org: str, state: str) -> str:
    starts = [r["start"] for r in members(store, org, None) if r["member"] == state and r["role"] != "observer"]
    return min(starts)


def test_nam_algiers_1973_members(store):
    assert ALGIERS_FIRST_SUMMIT | {"BHR"} <= full_members(store, "NAM", "1973-10-01")
    assert not ALGIERS_FIRST_SUMMIT & full_members(store, "NAM", "1973-01-01")
    # Al Watan (Bahrain), 2012: Bahrain joined in 1972, after its independence in 1971.
    assert first_start(store, "NAM", "BHR")[:4] == "1972"


def test_nam_chile_spells(store):
    # Chilean Ministry of Foreign Affairs, 13 October 2011: observer from 1964, full member in 1971,
    # then 18 years of absence, full member again in 1991.
    assert roles(store, "NAM", "1966-06-01")["CHL"] == "observer"
    assert "CHL" in full_members(store, "NAM", "1972-06-01")
    assert "CHL" not in roles(store, "NAM", "1974-06-01")
    assert "CHL" not in roles(store, "NAM", "1985-06-01")
    assert "CHL" in full_members(store, "NAM", "1992-06-01")


def test_nam_second_pass_joining_years(store):
    # Years of joining as their sources give them: Maldives MFA (1976); Grenada, Maurice Bishop's
    # maiden address at Havana, 6 September 1979; Belize National Library (25 September 1981); CNS
    # (Middlebury Institute) country profiles: Bolivia 1979, Suriname 1983, Saint Lucia 1983, Mongolia
    # 1993, Uzbekistan 1993, Papua New Guinea 1993, Honduras 1995.
    expected = {
        "MDV": "1976", "GRD": "1979", "BOL": "1979", "BLZ": "1981", "SUR": "1983", "LCA": "1983",
        "MNG": "1993", "UZB": "1993", "PNG": "1993", "HND": "1995",
    }
    for state, year in expected.items():
        assert first_start(store, "NAM", state)[:4] == year, state


def test_nam_belize_on_the_day_of_its_un_admission(store):
    # Belize National Library Service: full member on 25 September 1981.
    assert "BLZ" not in full_members(store, "NAM", "1981-09-24")
    assert "BLZ" in full_members(store, "NAM", "1981-09-25")


# --- NAM, third to sixth passes: members dated by what each source says ------------------------
# Each row: the state, its first start as the source gives it, a day before it when it was not yet
# a member, a day when it was, and (in the comment) the source.
JOINED_LATER = [
    # Pakistan's statement in the general debate of the 34th General Assembly, autumn 1979 (UN General
    # Debate Corpus, Harvard Dataverse): "Our unanimous admission to the non-aligned movement at Havana"
    # (the Sixth Summit, September 1979). Year precision.
    ("PAK", "1979", "1978-12-31", "1979-12-31"),
    # Sin Reservas, September 2016: Foreign Minister Miguel Vargas recalled at Isla Margarita that the
    # Dominican Republic has been part of the Movement since 2000. Year precision.
    ("DOM", "2000", "1999-12-31", "2000-12-31"),
    # Zimbabwe's statement in the general debate of the 45th General Assembly, 1990 (UN General Debate
    # Corpus, Harvard Dataverse): "Since joining the community of nations, Zimbabwe, as a member of the
    # Non-Aligned Movement [...]" (independence 1980; year precision). Reuters (LA Times, 2 September
    # 1986): Mugabe assumed the chairmanship of the 101-member Movement at Harare on 1 September 1986.
    ("ZWE", "1980", "1979-12-31", "1986-09-01"),
    # Namibia's statement in the general debate of the 47th General Assembly, 1992: "Namibia joined other
    # member States of the Movement of Non-Aligned Countries at its Summit in Jakarta" (1-6 September
    # 1992, its first summit after independence on 21 March 1990): member by that summit.
    ("NAM", "1992-09-01", "1992-08-31", "1992-09-06"),
    # US Embassy Abu Dhabi cable 963 (13 April 1976): the UAE among the "moderates within NAM"; its
    # Minister of State Ghubbash "would have formally registered UAE reservation" to a resolution of the
    # Lima conference of foreign ministers (August 1975) had he stayed: member by Lima (month precision).
    # Wikipedia, "4th Summit": not among the member states at Algiers (September 1973).
    ("ARE", "1975-08", "1973-10-01", "1975-09-01"),
    # Notimundo (Quito), on the close of the 17th Summit, Isla Margarita, Sunday 18 September 2016: "Ecuador
    # es parte del MNOAL desde 1981" (year precision). Wikipedia, "7th Summit": Ecuador is not among the
    # states admitted at New Delhi in March 1983.
    ("ECU", "1981", "1980-12-31", "1981-12-31"),
    # La Nation (Djibouti), President Ismail Omar Guelleh's speech at the opening of the 18th Summit, Baku
    # (opened on 25 October 2019, Trend): "les valeurs et les principes fondamentaux sur lesquels repose notre
    # Mouvement"; La Nation: he "a pris part vendredi au 18e sommet des chefs d'Etat et de gouvernement des
    # pays membres du Mouvement des non-alignés"; "notre Mouvement" again at Kampala, Friday 19 January 2024.
    # Member by that summit (the date Djibouti joined was not found in a citable source).
    ("DJI", "2019-10-25", "2019-10-24", "2024-01-19"),
]


@pytest.mark.parametrize(("state", "start", "before", "member_on"), JOINED_LATER,
                         ids=[row[0] for row in JOINED_LATER])
def test_nam_members_dated_by_their_sources(store, state, start, before, member_on):
    assert first_start(store, "NAM", state) == start
    assert state not in full_members(store, "NAM", before)
    assert state in full_members(store, "NAM", member_on)
    assert state in full_members(store, "NAM")


# NAM's own count after Kampala (New Vision, 17 January 2024): 121 members, none admitted or gone since
# (no change found for 2024-2026). The dataset still lacks 1 of them (Guatemala: no citable dated source
# for its membership found after six passes; data/coverage-nam.csv says so), so the exact count is an
# expected failure until it is added.
NAM_PUBLISHED_COUNT = 121
NAM_UNSOURCED = {"GTM"}


@pytest.mark.parametrize("at", ["2024-04-05", "2026-11-30"])
def test_nam_count_is_at_most_the_published_count(store, at):
    current = full_members(store, "NAM", at)
    assert len(current) <= NAM_PUBLISHED_COUNT
    assert not NAM_UNSOURCED & current
    assert len(current | NAM_UNSOURCED) == NAM_PUBLISHED_COUNT
    assert not {"CYP", "MLT", "ARG", "YUG", "YMD"} & current


@pytest.mark.xfail(strict=True, reason="1 NAM member without a citable dated source (data/coverage-nam.csv)")
@pytest.mark.parametrize("at", ["2024-04-05", "2026-11-30"])
def test_nam_count_equals_the_published_count(store, at):
    assert len(full_members(store, "NAM", at)) == NAM_PUBLISHED_COUNT
