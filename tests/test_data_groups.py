"""The groups and forums (data/*-groups.csv) checked against facts stated independently of the tables.

G7, G8, G20, BRICS, SCO, ASEAN, APEC, the Quad, AUKUS, the Five Eyes, ANZUS, the Pacific Islands
Forum, SEATO, CENTO and the Rio Treaty. Every expected value is written out here from the source
named beside it (most are rows of data/sources-groups.csv), not read back from the tables.
Dates are days in force: a spell's end is the first day it no longer holds.
"""

from __future__ import annotations

import pytest

from kg.build import build
from kg.query import run_query

FULL = {"member", "founding member", "suspended"}
TODAY = "2026-11-30"  # the day the dataset is brought current to


@pytest.fixture(scope="module")
def store(memory_store):
    return memory_store


def spells(store, org: str, at: str | None = None) -> list[dict[str, str]]:
    params = {"org": org} if at is None else {"org": org, "at": at}
    result = run_query(store, "members", params)
    return [dict(zip(result.columns, row)) for row in result.rows]


def with_role(store, org: str, at: str, *roles: str) -> set[str]:
    return {r["member"] for r in spells(store, org, at) if r["role"] in roles}


def full_members(store, org: str, at: str = TODAY) -> set[str]:
    """Members in force on ``at`` (suspended members still count), not observers or partners."""
    return with_role(store, org, at, *FULL)


# --- BRICS -----------------------------------------------------------------------------------
BRICS_10 = {"BRA", "RUS", "IND", "CHN", "ZAF", "EGY", "ETH", "IRN", "ARE", "IDN"}


def test_brics_members_before_and_after_the_expansions(store):
    # China MFA (16 June 2009): the first formal meeting of BRIC leaders, Yekaterinburg.
    assert full_members(store, "BRICS", "2009-06-16") == {"BRA", "RUS", "IND", "CHN"}
    # China Daily/Xinhua (24 December 2010): BRIC accepted South Africa on Thursday 23 December 2010.
    assert "ZAF" not in full_members(store, "BRICS", "2010-12-22")
    assert "ZAF" in full_members(store, "BRICS", "2010-12-23")
    # The New Arab and Sowetan (24 August 2023): full members from 1 January 2024; Vijesti
    # (7 January 2025): Iran, Egypt, Ethiopia and the UAE became members, Saudi Arabia has not yet.
    assert full_members(store, "BRICS", "2023-12-31") == {"BRA", "RUS", "IND", "CHN", "ZAF"}
    assert full_members(store, "BRICS", "2024-01-01") == BRICS_10 - {"IDN"}
    # Daily Sabah, Sputnik (6 January 2025): Indonesia a full member, announced by Brazil.
    assert "IDN" not in full_members(store, "BRICS", "2025-01-05")
    assert full_members(store, "BRICS", "2025-01-06") == BRICS_10
    # Vietnam Times (27 December 2025) and Baaghi TV: ten full members; no change found in 2026.
    assert full_members(store, "BRICS") == BRICS_10
    assert "SAU" not in {r["member"] for r in spells(store, "BRICS")}


def test_brics_partner_countries(store):
    # The Independent (Uganda)/TASS and Caliber.Az (1 January 2025): nine states partners from
    # 1 January 2025, Indonesia then made a full member (Mehr, 18 January 2025: eight partners).
    first = {"BLR", "BOL", "KAZ", "CUB", "MYS", "THA", "UGA", "UZB"}
    assert with_role(store, "BRICS", "2024-12-31", "partner") == set()
    assert with_role(store, "BRICS", "2025-01-01", "partner") == first
    # Mehr (18 January 2025): Nigeria the ninth partner, announced on 17 January 2025.
    assert with_role(store, "BRICS", "2025-01-17", "partner") == first | {"NGA"}
    # Tasnim, Sputnik, Viet Nam News (14 June 2025): Viet Nam the tenth partner.
    assert with_role(store, "BRICS", "2025-06-30", "partner") == first | {"NGA", "VNM"}
    assert len(with_role(store, "BRICS", TODAY, "partner")) == 10


# --- SCO -------------------------------------------------------------------------------------
SCO_10 = {"CHN", "KAZ", "KGZ", "RUS", "TJK", "UZB", "IND", "PAK", "IRN", "BLR"}
# TASS (1 September 2025): before Tianjin, 2 observers and 14 dialogue partners.
SCO_DIALOGUE_14 = {"AZE", "ARM", "BHR", "EGY", "KHM", "QAT", "KWT", "MDV", "MMR", "NPL", "ARE",
                   "SAU", "TUR", "LKA"}


def test_sco_members(store):
    # Sputnik (4 July 2023): Iran a full member; Kazinform (4 July 2024): Belarus the tenth.
    assert full_members(store, "SCO", "2023-07-03") == SCO_10 - {"IRN", "BLR"}
    assert full_members(store, "SCO", "2023-07-04") == SCO_10 - {"BLR"}
    assert full_members(store, "SCO", "2024-07-04") == SCO_10
    assert full_members(store, "SCO") == SCO_10


def test_sco_observers_and_partners_merge_at_tianjin(store):
    # TASS (1 September 2025): "unify the SCO observer states and dialogue partners into a single
    # category of SCO partners"; with Laos, 17 partners (10 members + 17 = 27 countries).
    day_before = "2025-08-31"
    assert with_role(store, "SCO", day_before, "observer") == {"AFG", "MNG"}
    assert with_role(store, "SCO", day_before, "partner") == SCO_DIALOGUE_14
    assert with_role(store, "SCO", "2025-09-01", "observer") == set()
    partners = with_role(store, "SCO", "2025-09-01", "partner")
    assert partners == SCO_DIALOGUE_14 | {"AFG", "MNG", "LAO"}
    assert len(partners) == 17
    assert len(partners) + len(full_members(store, "SCO", "2025-09-01")) == 27


def test_sco_dialogue_partner_dates(store):
    # Massis Post (July 2015): Azerbaijan, Armenia, Cambodia, Nepal admitted at Ufa (10 July 2015).
    assert {"AZE", "ARM", "KHM", "NPL"} <= with_role(store, "SCO", "2015-07-10", "partner")
    assert not {"AZE", "ARM", "KHM", "NPL"} & with_role(store, "SCO", "2015-07-09", "partner")
    # Financial Express (6 May 2023): Kuwait, UAE, Myanmar, Maldives signed at Goa, 4-5 May 2023.
    assert {"KWT", "ARE", "MMR", "MDV"} <= with_role(store, "SCO", "2023-05-31", "partner")
    # Belarus: dialogue partner 2010, observer 2015 (TASS, 4 July 2023).
    assert with_role(store, "SCO", "2012-01-01", "partner") >= {"BLR", "LKA"}
    assert "BLR" in with_role(store, "SCO", "2016-01-01", "observer")


# --- ASEAN -----------------------------------------------------------------------------------
def test_asean_timor_leste_and_papua_new_guinea(store):
    # Reuters (11 November 2022): admitted in principle and granted observer status.
    assert "TLS" not in with_role(store, "ASEAN", "2022-11-10", "observer")
    assert "TLS" in with_role(store, "ASEAN", "2022-11-11", "observer")
    # AsiaOne, IANS (26 October 2025): the 11th member on 26 October 2025.
    assert len(full_members(store, "ASEAN", "2025-10-25")) == 10
    assert len(full_members(store, "ASEAN", "2025-10-26")) == 11
    assert "TLS" not in with_role(store, "ASEAN", "2025-10-26", "observer")
    # Los Angeles Times/AP (21 July 1996): Myanmar granted observer status on Saturday 20 July 1996;
    # ASEAN Secretariat: Laos an observer from July 1992; both members from 23 July 1997.
    assert "MMR" not in with_role(store, "ASEAN", "1996-07-19", "observer")
    assert {"MMR", "LAO"} <= with_role(store, "ASEAN", "1996-07-20", "observer")
    assert not {"MMR", "LAO"} & with_role(store, "ASEAN", "1997-07-23", "observer")
    # Wikipedia, "Accession of Papua New Guinea to ASEAN": observer since 1976.
    assert with_role(store, "ASEAN", TODAY, "observer") == {"PNG"}


# --- G7, G8, G20 -------------------------------------------------------------------------------
def test_g7_and_the_european_union(store):
    # MOFA Japan (G7 Hiroshima FAQ): six at Rambouillet (1975), Canada from 1976, the European
    # Commission's President from the London Summit of 1977.
    assert full_members(store, "G7") == {"FRA", "DEU", "ITA", "JPN", "GBR", "USA", "CAN"}
    assert with_role(store, "G7", TODAY, "associate") == {"EU"}
    assert with_role(store, "G7", "1976-12-31", "associate") == set()


def test_g8_since_the_suspension_of_russia(store):
    # CBC (24 March 2014): the G7 put the G8 on hold; The Independent (13 January 2017): Russia
    # announced that it would permanently leave the G8, the last member to go: the G8 ended.
    assert len(full_members(store, "G8", "2014-03-23")) == 8
    assert with_role(store, "G8", "2014-03-24", "member", "founding member") == set()
    assert with_role(store, "G8", "2016-01-01", "suspended") == {"RUS"}
    assert full_members(store, "G8", "2024-04-05") == set()
    assert full_members(store, "G8", TODAY) == set()
    # MOFA Japan: the EC/EU President at the summits since 1977, not counted among the members.
    assert with_role(store, "G8", "2010-01-01", "associate") == {"EU"}
    assert with_role(store, "G8", TODAY, "associate") == set()


def test_g20_is_19_states_the_eu_and_the_african_union(store):
    # Khaleej Times (8 September 2023): 19 countries and the EU; NPR (9 September 2023): the AU a
    # permanent member from the opening of the New Delhi summit.
    states = {"ARG", "AUS", "BRA", "CAN", "CHN", "DEU", "FRA", "GBR", "IDN", "IND", "ITA", "JPN",
              "KOR", "MEX", "RUS", "SAU", "TUR", "USA", "ZAF"}
    assert full_members(store, "G20", "2023-09-08") == states | {"EU"}
    assert full_members(store, "G20") == states | {"EU", "AU"}


# --- Pacific Islands Forum ------------------------------------------------------------------------
def test_pif_fiji_suspension_and_kiribati(store):
    # RNZ (2 May 2009): Fiji suspended with immediate effect; ABC (24 October 2014): lifted.
    assert "FJI" in with_role(store, "PIF", "2009-05-01", "founding member")
    assert with_role(store, "PIF", "2010-01-01", "suspended") == {"FJI"}
    assert "FJI" in with_role(store, "PIF", "2015-01-01", "member")
    # Japan Times (11 July 2022): Kiribati withdrew; NHK (28 February 2023): re-joined in February 2023.
    assert "KIR" not in full_members(store, "PIF", "2022-12-31")
    assert "KIR" in full_members(store, "PIF", "2023-03-01")
    # Pacific Islands Forum Secretariat: 18 members.
    assert len(full_members(store, "PIF")) == 18


# --- Security pacts --------------------------------------------------------------------------------
def test_security_pacts_today(store):
    # The Hindu (12 November 2017): the Quad revived; AUKUS (UK Government, 15 September 2021).
    assert full_members(store, "QUAD") == {"AUS", "IND", "JPN", "USA"}
    # AFR (6 November 2017): the first Quad collapsed in 2008.
    assert full_members(store, "QUAD", "2010-01-01") == set()
    assert full_members(store, "AUKUS") == {"AUS", "GBR", "USA"}
    # Statewatch (June 2010), The Spectator (2025): the UK and US 1946, Canada 1948, Australia and
    # New Zealand 1956.
    assert full_members(store, "FVEY", "1950-01-01") == {"GBR", "USA", "CAN"}
    assert full_members(store, "FVEY") == {"GBR", "USA", "CAN", "AUS", "NZL"}
    # Britannica Kids (ANZUS): New Zealand's US obligations suspended since 1986.
    assert with_role(store, "ANZUS", TODAY, "suspended") == {"NZL"}
    # Global Affairs Canada: APEC's 21 member economies.
    assert len(full_members(store, "APEC")) == 21


def test_cold_war_pacts_ended(store):
    # Library of Congress (CENTO): Iraq withdrew 24 March 1959; inactive from May 1979.
    assert "IRQ" in full_members(store, "CENTO", "1959-03-23")
    assert "IRQ" not in full_members(store, "CENTO", "1959-03-24")
    assert full_members(store, "CENTO", "1979-06-01") == set()
    # Britannica Kids (SEATO): eight signatories; the organisation ended in 1977.
    assert len(full_members(store, "SEATO", "1960-01-01")) == 8
    assert full_members(store, "SEATO") == set()
    # Chicago Tribune (8 September 2002): Mexico announced its withdrawal from the Rio Treaty.
    assert not {"MEX", "BOL", "ECU", "NIC", "VEN", "CUB"} & full_members(store, "RIO")
    assert "MEX" in full_members(store, "RIO", "2002-09-06")
