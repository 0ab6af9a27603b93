"""States in existence on given days since 1945, stated independently of the tables.

Each expectation below comes from a source read for it (named in the comment or docstring), not
from ``data/states.csv``: the United Nations' membership history, independence dates from the
Correlates of War state list (COW, v2024) and the ICOW Colonial History data set (Hensel), and the
official or news sources cited for single states. The store is built from the packaged data.
"""

from __future__ import annotations

import pytest

from facts import UN_MEMBERS

from kg.build import build
from kg.query import run_query


@pytest.fixture(scope="module")
def store(memory_store):
    return memory_store


def states_at(store, at: str) -> set[str]:
    result = run_query(store, "states", {"at": at})
    return {row["state"] for row in result.records()}


# The 51 original Members of the United Nations (Charter Art. 3): United Nations, "Member States";
# Wikipedia, "Enlargement of the United Nations" (1945, original members; the last ratification
# was deposited on 27 December 1945).
UN_ORIGINAL = set(
    """ARG AUS BEL BOL BRA BLR CAN CHL CHN COL CRI CUB CSK DNK DOM ECU EGY SLV ETH FRA GRC GTM HTI
    HND IND IRN IRQ LBN LBR LUX MEX NLD NZL NIC NOR PAN PRY PER PHL POL SAU ZAF SYR TUR UKR SUN GBR
    USA URY VEN YUG""".split()
)

# Two of them were Soviet republics, not states: the Ukrainian and Byelorussian SSRs (UN, "Member
# States": "Byelorussia and Ukraine were original Members"), territories until their independence
# in August 1991, when Ukraine and Belarus continued their seats.
SOVIET_REPUBLICS = {"UKR", "BLR"}
UN_ORIGINAL_STATES = UN_ORIGINAL - SOVIET_REPUBLICS

# Admitted to the UN from 1946 to 1949 (Wikipedia, "Enlargement of the United Nations"; unostamps.nl,
# "Membership of the United Nations": Afghanistan, Iceland, Sweden, Thailand, Pakistan, Yemen,
# Burma, Israel were admitted before 1950, Indonesia on 28 September 1950).
UN_1946_1949 = {"AFG", "ISL", "SWE", "THA", "PAK", "YEM", "MMR", "ISR"}

# The 17 African states that became independent in 1960 (AFP, "Decolonisation in dates"; UrduPoint /
# AFP, 27 December 2019: "17 sub-Saharan countries gained independence in 1960 alone"); their days
# in the COW state list and the ICOW colonial history data.
AFRICA_1960 = set(
    "CMR TGO MDG COD SOM BEN NER BFA CIV TCD CAF COG GAB SEN MLI NGA MRT".split()
)

# States that became independent after 1 January 1950 (COW state list v2024 and ICOW IndDate):
# none of them may be listed on that day.
INDEPENDENT_AFTER_1950 = set(
    """LBY SDN MAR TUN GHA GIN MYS KHM LAO VNM CYP SGP MLT KWT DZA UGA KEN TZA JAM TTO RWA BDI
    ZMB MWI GMB MDV GUY BWA LSO BRB MUS SWZ GNQ NRU TON FJI WSM BHR QAT ARE BGD BHS GRD GNB MOZ
    CPV STP AGO SUR PNG COM SYC DJI SLB TUV DMA LCA VCT KIR VUT BLZ ATG KNA BRN MHL FSM NAM PLW
    ERI TLS SSD XKX MNE ZWE GHA EST LVA LTU ARM AZE GEO KAZ KGZ MDA TJK TKM UZB RUS CZE SVK HRV SVN
    BIH MKD SRB ESH""".split()
) | AFRICA_1960 | SOVIET_REPUBLICS

UN_193 = UN_MEMBERS  # United Nations, "Member States" (tests/facts.py)
# States beyond the UN members the dataset holds (data/README.md): the two UN observer states, Kosovo,
# Taiwan and the Sahrawi Republic (an African Union member).
NON_UN_STATES = {"VAT", "PSE", "XKX", "TWN", "ESH"}


def test_lists_have_the_published_sizes():
    assert len(UN_ORIGINAL) == 51  # "A total of 51 original members"
    assert len(AFRICA_1960) == 17
    assert len(UN_193) == 193


def test_the_original_un_members_all_exist_at_the_end_of_1945(store):
    """The 51 original Members had all ratified by 27 December 1945 (UN; Enlargement of the UN)."""
    assert UN_ORIGINAL_STATES <= states_at(store, "1945-12-31")
    assert not SOVIET_REPUBLICS & states_at(store, "1945-12-31")


def test_1945_10_24(store):
    present = states_at(store, "1945-10-24")
    # The Charter in force: the original Members that had ratified by that day (India deposited on
    # 30 October 1945 per the UN's list of admission dates).
    assert UN_ORIGINAL_STATES - {"IND"} <= present
    # Austria: the independence proclamation of 27 April 1945 (Bundeskanzleramt Österreich).
    assert "AUT" in present
    # Germany: the German Reich ended with the surrender (COW: last day 8 May 1945); the Federal
    # Republic was founded on 23 May 1949 (German Federal Foreign Office), the GDR on 7 October
    # 1949 (bpb).
    assert not {"DEU", "DDR"} & present
    # Not yet independent: Israel (14 May 1948), Indonesia (27 December 1949), Ceylon (4 February
    # 1948), Burma (4 January 1948), the two Koreas (1948) -- COW v2024, ICOW.
    assert not {"ISR", "IDN", "LKA", "MMR", "KOR", "PRK", "GHA", "BGD"} & present


def test_1950_01_01_holds_the_states_of_that_day_and_no_later_one(store):
    present = states_at(store, "1950-01-01")
    assert UN_ORIGINAL_STATES | UN_1946_1949 <= present
    # Independent before 1950 (COW v2024): Israel, Indonesia, the Koreas, the GDR and the Federal
    # Republic; Taiwan (COW: the Republic of China on Taiwan from 8 December 1949).
    assert {"ISR", "IDN", "KOR", "PRK", "DDR", "DEU", "TWN", "LKA", "JOR"} <= present
    assert not INDEPENDENT_AFTER_1950 & present, sorted(INDEPENDENT_AFTER_1950 & present)


def test_ghana_and_bangladesh(store):
    # Ghana: 6 March 1957; Bangladesh: 16 December 1971 (COW v2024; ICOW 1957-03, 1971-12).
    assert "GHA" not in states_at(store, "1957-03-05")
    assert "GHA" in states_at(store, "1957-03-06")
    assert "BGD" not in states_at(store, "1971-12-15")
    assert "BGD" in states_at(store, "1971-12-16")


def test_the_african_year_1960(store):
    """AFP: 17 sub-Saharan countries became independent in 1960; COW adds Cyprus (16 August 1960)."""
    new = states_at(store, "1960-12-31") - states_at(store, "1959-12-31")
    assert new == AFRICA_1960 | {"CYP"}


def test_un_growth_counts_are_a_lower_bound(store):
    """Mabogunje (Routledge): UN membership rose from 51 (1945) to 118 (1965) and 132 (1971)."""
    assert len(states_at(store, "1965-12-31")) >= 118
    assert len(states_at(store, "1971-12-31")) >= 132


def test_portuguese_africa_1973_1975(store):
    # Guinea-Bissau declared independence on 24 September 1973 (DW, "50 anos de independência da
    # Guiné-Bissau"); Mozambique 25 June, Cape Verde 5 July, Sao Tome 12 July, Angola 11 November
    # 1975 (COW v2024, ICOW).
    assert "GNB" not in states_at(store, "1973-09-23")
    assert "GNB" in states_at(store, "1973-09-24")
    late = {"MOZ", "CPV", "STP", "AGO"}
    assert not late & states_at(store, "1974-12-31")
    assert late <= states_at(store, "1975-12-31")
    assert "AGO" not in states_at(store, "1975-11-10")


def test_1975_12_31(store):
    present = states_at(store, "1975-12-31")
    # South Vietnam ended on 30 April 1975 (COW: last day); Suriname 25 November 1975 (COW).
    assert "XRVN" not in present
    assert {"VNM", "SUR"} <= present
    # Zimbabwe's independence was 18 April 1980 (The Herald): the 1965 declaration made no state.
    assert "ZWE" not in present


def test_zimbabwe_1980(store):
    assert "ZWE" not in states_at(store, "1979-12-31")
    assert "ZWE" in states_at(store, "1980-04-18")


def test_1993_06_01(store):
    present = states_at(store, "1993-06-01")
    # Czechoslovakia dissolved on 1 January 1993 (COW: Czechoslovakia's last day 31 December 1992);
    # Eritrea independent on 24 May 1993 (COW); the USSR ended on 26 December 1991 and the SFRY on
    # 27 April 1992 (FRY constitution, Archives of Yugoslavia).
    assert {"CZE", "SVK", "ERI", "RUS", "SCG", "SVN", "HRV", "BIH", "MKD"} <= present
    assert not {"CSK", "SUN", "YUG", "DDR", "YMD"} & present
    # Palau became independent on 1 October 1994 (ICOW 1994-10).
    assert "PLW" not in present


def test_2011_07_14_and_today(store):
    """South Sudan: independence 9 July 2011 (SAHO), UN member 14 July 2011; 193 UN members."""
    assert "SSD" not in states_at(store, "2011-07-08")
    assert "SSD" in states_at(store, "2011-07-09")
    for day in ("2011-07-14", "2026-11-30"):
        present = states_at(store, day)
        assert UN_193 <= present, sorted(UN_193 - present)
        assert present == UN_193 | NON_UN_STATES, sorted(present ^ (UN_193 | NON_UN_STATES))


def test_single_independence_days(store):
    days = {
        "XKX": "2008-02-17",  # BBC News, "Kosovo MPs proclaim independence", 17 February 2008
        "MNE": "2006-06-03",  # BBC News, "Montenegro declares independence", 4 June 2006
        "TLS": "2002-05-20",  # Britannica, "East Timor (Timor-Leste) in 2002"
        "NAM": "1990-03-21",  # Baltimore Sun, 21 March 1990
        "ESH": "1976-02-27",  # APS, SADR proclaimed on 27 February 1976
        "DDR": "1949-10-07",  # bpb, Deutschland-Chronik: 7 October 1949
        "DEU": "1949-05-23",  # German Embassy Valletta: the Federal Republic founded 23 May 1949
        "AUT": "1945-04-27",  # Bundeskanzleramt Österreich: proclamation of 27 April 1945
        "EST": "1991-08-20",  # Riigikogu: resolution of 20 August 1991
        "LVA": "1991-08-21",  # Saeima: constitutional law of 21 August 1991
        "LTU": "1990-03-11",  # Mykolas Romeris University: the acts of 11 March 1990
        "HRV": "1991-06-25",  # Croatian Parliament: 25 June 1991
        "AZE": "1991-10-18",  # MFA of Azerbaijan: Constitutional Act of 18 October 1991
        "TKM": "1991-10-27",  # Embassy of Turkmenistan: law of 27 October 1991
        "TJK": "1991-09-09",  # Ministry of Internal Affairs of Tajikistan: 9 September 1991
        "MDA": "1991-08-27",  # IPA CIS: declaration of 27 August 1991
        "KOR": "1948-08-15",  # KBS World: the government proclaimed on 15 August 1948
        "NER": "1960-08-03",  # South African History Online: Niger's Independence Day
        "KIR": "1979-07-12",  # Commonwealth Secretariat: Republic of Kiribati, 12 July 1979
        "TON": "1970-06-04",  # Kaniva Tonga: the treaties of friendship expired on 4 June 1970
        "NRU": "1968-01-31",  # RNZ: control handed over on 31 January 1968
        "PLW": "1994-10-01",  # Britannica, "Palau in 1994": sovereign on 1 October 1994
        "WSM": "1962-01-01",  # Samoa Global News: independent on 1 January 1962
        "MHL": "1986-10-21",  # US Office of the Historian: the Compact in force, 21 October 1986
        "MLI": "1960-09-22",  # Liberian MFA: the Republic of Mali independent on 22 September 1960
        "COM": "1975-07-06",  # Ivory Coast Times (US State Department message): 6 July
        "FSM": "1986-11-03",  # US Office of the Historian: independence recognised 3 November 1986
    }
    from datetime import date, timedelta

    for code, day in days.items():
        before = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
        assert code not in states_at(store, before), (code, before)
        assert code in states_at(store, day), (code, day)


def test_handovers(store):
    # Zanzibar united with Tanganyika on 26 April 1964 (Union Day: Government of South Australia,
    # "Tanzania Union Day"); Zanzibar independent from 19 December 1963 (COW).
    assert "XZAN" in states_at(store, "1964-04-25")
    assert "XZAN" not in states_at(store, "1964-04-26")
    assert "TZA" in states_at(store, "1964-04-26")
    # Yemeni unification on 22 May 1990 (COW: the Yemen People's Republic's last day 21 May 1990).
    assert "YMD" in states_at(store, "1990-05-21")
    assert "YMD" not in states_at(store, "1990-05-22")
    assert "YEM" in states_at(store, "1990-05-22")
    # Czechoslovakia -> Czech Republic and Slovakia, 1 January 1993 (COW).
    assert "CSK" in states_at(store, "1992-12-31")
    assert {"CZE", "SVK"} & states_at(store, "1992-12-31") == set()
    assert {"CZE", "SVK"} <= states_at(store, "1993-01-01")


def test_only_states_older_than_the_data_are_undated(store):
    """ICOW Colonial History (IndDate): these current states were independent before 1816, where the
    data begin (COW's list starts on 1 January 1816); every other current state has a start."""
    before_1816 = set(
        """USA GBR FRA NLD CHE ESP PRT ITA SWE DNK TUR CHN JPN IRN THA NPL OMN HTI PRY AND LIE MCO
        SMR""".split()
    )
    current_then = {code for code in states_at(store, "1816-01-01") if not code.startswith("X")}
    assert current_then == before_1816
