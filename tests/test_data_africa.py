"""The African and Arab organisations: OAU, AU, ECOWAS, SADC, LAS, GCC and the Alliance of Sahel States.

The expectations below are written from the sources read (named per test), not from the tables:
counts are the organisations' own published counts; suspensions are their own spells (role
``suspended``, still counted as members), so ``full_members`` includes suspended states.
"""

from __future__ import annotations

import pytest

import facts

from kg.build import build
from kg.query import run_query
from kg.vocab import AL, mint

TODAY = "2026-11-30"  # the day the dataset is brought current to
AT = "2024-04-05"


@pytest.fixture(scope="module")
def store(memory_store):
    return memory_store


def roles(store, org: str, at: str) -> dict[str, str]:
    return facts.roles(store, org, at)


def full_members(store, org: str, at: str) -> set[str]:
    """Full members in force on ``at`` (suspended members count; observers, associates and partners not)."""
    return {m for m, role in roles(store, org, at).items() if role in ("member", "founding member", "suspended")}


def suspended(store, org: str, at: str) -> set[str]:
    return {m for m, role in roles(store, org, at).items() if role == "suspended"}


# -- African Union --------------------------------------------------------------------------


@pytest.mark.parametrize("at", [AT, "2025-06-01", TODAY])
def test_au_has_55_member_states(store, at):
    # African Union, "Member States": "There are 55 Member States" (suspended ones included);
    # no accession or withdrawal since Morocco (31 January 2017).
    assert len(full_members(store, "AU", at)) == 55


def test_au_growth(store):
    # AU "Member States": 53 OAU members at the AU's creation; South Sudan the 54th (Xinhua, 2011),
    # Morocco the 55th (instrument of accession deposited 31 January 2017).
    assert len(full_members(store, "AU", "2002-07-09")) == 53
    assert len(full_members(store, "AU", "2011-08-01")) == 54
    assert "MAR" not in full_members(store, "AU", "2017-01-30")
    assert "MAR" in full_members(store, "AU", "2017-01-31")


def test_au_suspended_in_april_2024(store):
    # Citi Newsroom (17 March 2024): "six countries that are currently suspended from the African
    # Union" -- Mali, Guinea, Sudan, Burkina Faso, Niger, Gabon (Gabon's suspension lifted 30 April
    # 2025, TRT/AFP).
    assert suspended(store, "AU", AT) == {"MLI", "GIN", "SDN", "BFA", "NER", "GAB"}


def test_au_suspended_on_30_november_2026(store):
    # Gabon readmitted 30 April 2025 (TRT World/AFP); Guinea readmitted by the PSC on 22 January
    # 2026 (Interfax, AFP); Madagascar suspended 15 October 2025 (Vanguard/AFP); Guinea-Bissau
    # suspended 28 November 2025 (Al Mayadeen, Xinhua); Mali, Sudan, Burkina Faso, Niger still.
    assert suspended(store, "AU", TODAY) == {"MLI", "SDN", "BFA", "NER", "MDG", "GNB"}
    assert roles(store, "AU", "2025-04-29")["GAB"] == "suspended"
    assert roles(store, "AU", "2025-04-30")["GAB"] != "suspended"
    assert roles(store, "AU", "2026-01-22")["GIN"] != "suspended"
    assert roles(store, "AU", "2026-01-21")["GIN"] == "suspended"


def test_au_earlier_suspensions(store):
    # Sudan suspended 6 June 2019 (Africanews), lifted 6 September 2019 (Sudan Tribune), suspended
    # again 27 October 2021 (Al Jazeera); Mali suspended 19 August 2020 (AP), lifted 9 October 2020
    # (AU PSC on X, via Diplomatic Times); Madagascar 20 March 2009 - 27 January 2014 (PSC 415th
    # meeting); Egypt 5 July 2013 - 17 June 2014 (Reuters/AP; Egyptian Streets).
    assert "SDN" in suspended(store, "AU", "2019-07-01")
    assert "SDN" not in suspended(store, "AU", "2020-01-01")
    assert "MLI" in suspended(store, "AU", "2020-09-01")
    assert "MLI" not in suspended(store, "AU", "2021-01-01")
    assert {"MDG", "GNB", "CAF", "EGY"} <= suspended(store, "AU", "2013-08-01")
    assert not {"MDG", "EGY", "GNB"} & suspended(store, "AU", "2014-07-01")


# -- OAU ---------------------------------------------------------------------------------------


def test_oau(store):
    # AU "Member States": the OAU reached 53 members by the AU's creation in 2002; Morocco left the
    # OAU in 1984 (walkout at the Addis Ababa summit of November 1984, Christian Science Monitor);
    # the AU continues the OAU from 9 July 2002.
    assert len(full_members(store, "OAU", "2002-07-08")) == 53
    assert "MAR" in full_members(store, "OAU", "1970-01-01")
    assert "MAR" not in full_members(store, "OAU", "1990-01-01")
    assert full_members(store, "OAU", "2002-07-09") == set()
    # Angola admitted 12 February 1976 (Angolan Foreign Ministry via ANGOP/AllAfrica; PANA)
    assert "AGO" not in full_members(store, "OAU", "1976-02-11")
    assert "AGO" in full_members(store, "OAU", "1976-02-12")


def test_oau_is_continued_by_the_au(store):
    # AU "Member States": the AU is the successor of the OAU (launched at Durban, 9 July 2002).
    sparql = f"SELECT ?s WHERE {{ <{mint('org', 'OAU').value}> <{AL}continuedBy> ?s }}"
    assert [s["s"].value for s in store.query(sparql)] == [mint("org", "AU").value]


# -- ECOWAS --------------------------------------------------------------------------------------

ECOWAS_12 = {"BEN", "CPV", "CIV", "GMB", "GHA", "GIN", "GNB", "LBR", "NGA", "SEN", "SLE", "TGO"}


def test_ecowas_15_then_12(store):
    # ECOWAS: 15 member states until Mali, Burkina Faso and Niger ceased to be members on
    # 29 January 2025 (66th summit communiqué, AllAfrica 16 December 2024; Daily Post).
    assert full_members(store, "ECOWAS", AT) == ECOWAS_12 | {"MLI", "BFA", "NER"}
    assert full_members(store, "ECOWAS", "2025-01-28") == ECOWAS_12 | {"MLI", "BFA", "NER"}
    assert full_members(store, "ECOWAS", "2025-01-29") == ECOWAS_12
    assert full_members(store, "ECOWAS", TODAY) == ECOWAS_12


def test_ecowas_suspensions(store):
    # Mali suspended 30 May 2021 (Punch), Guinea 8 September 2021 (Reuters), Burkina Faso 28
    # January 2022 (Punch), Niger from 10 December 2023 (Premium Times); Guinea's sanctions all
    # lifted and full participation restored 28 January 2026 (MENAFN); Guinea-Bissau suspended by
    # the Mediation and Security Council on 27 November 2025 (The Guild).
    assert suspended(store, "ECOWAS", AT) == {"MLI", "GIN", "BFA", "NER"}
    assert "NER" not in suspended(store, "ECOWAS", "2023-12-09")
    assert suspended(store, "ECOWAS", TODAY) == {"GNB"}
    assert "MLI" not in suspended(store, "ECOWAS", "2021-01-01")  # 2020 suspension lifted 6 October 2020


# -- SADC ------------------------------------------------------------------------------------------

SADC_16 = {"AGO", "BWA", "COM", "COD", "SWZ", "LSO", "MDG", "MWI", "MUS", "MOZ", "NAM", "SYC", "ZAF",
           "TZA", "ZMB", "ZWE"}


def test_sadc(store):
    # SARDC, "SADC 40" p. 36: 16 Member States (listed); Comoros admitted at the 37th summit,
    # August 2017 (AllAfrica; Seychelles MFA); SADC Treaty signed by 10 states on 17 August 1992.
    assert full_members(store, "SADC", AT) == SADC_16
    assert full_members(store, "SADC", TODAY) == SADC_16
    assert len(full_members(store, "SADC", "1992-08-17")) == 10
    # Seychelles out from July 2004 (afrol), readmitted 16 August 2008 (Seychelles Nation)
    assert "SYC" not in full_members(store, "SADC", "2006-01-01")
    assert "SYC" in full_members(store, "SADC", "2008-08-16")
    # Madagascar suspended 30 March 2009 (SAnews), suspension lifted 30 January 2014 (SADC)
    assert roles(store, "SADC", "2010-01-01")["MDG"] == "suspended"
    assert roles(store, "SADC", "2015-01-01")["MDG"] != "suspended"


# -- Arab League and GCC ---------------------------------------------------------------------------


def test_arab_league(store):
    # League of Arab States: 22 member states (League mission to the US; AP, 7 May 2023).
    assert len(full_members(store, "LAS", AT)) == 22
    assert len(full_members(store, "LAS", TODAY)) == 22
    # Egypt suspended 1979 (Arab League Council, 31 March 1979), back in May 1989 (UPI, CSM)
    assert roles(store, "LAS", "1985-01-01")["EGY"] == "suspended"
    assert roles(store, "LAS", "1990-01-01")["EGY"] != "suspended"
    # Syria suspended from 16 November 2011 (NPR; Il Fatto), readmitted 7 May 2023 (Bernama/Xinhua)
    assert roles(store, "LAS", "2020-01-01")["SYR"] == "suspended"
    assert roles(store, "LAS", "2023-05-07")["SYR"] != "suspended"
    # Libya barred 22 February 2011, seat restored 27 August 2011 (Naharnet; Al Jazeera)
    assert roles(store, "LAS", "2011-06-01")["LBY"] == "suspended"
    assert roles(store, "LAS", "2011-09-01")["LBY"] != "suspended"


def test_gcc(store):
    # The National, "1981: The dawn of the GCC": six founding states, Abu Dhabi, 25 May 1981.
    expected = {"ARE", "BHR", "KWT", "OMN", "QAT", "SAU"}
    assert full_members(store, "GCC", "1981-05-25") == expected
    assert full_members(store, "GCC", TODAY) == expected


# -- Alliance / Confederation of Sahel States ------------------------------------------------------


def test_aes(store):
    # VOA, Vanguard, DW: the Liptako-Gourma Charter establishing the Alliance of Sahel States was
    # signed on Saturday 16 September 2023; Universalis: confederation treaty of 6 July 2024.
    assert full_members(store, "AES", "2023-09-15") == set()
    assert full_members(store, "AES", "2023-09-16") == {"MLI", "BFA", "NER"}
    assert full_members(store, "AES", TODAY) == {"MLI", "BFA", "NER"}


def test_arab_league_observers(store):
    # Arab America (14 January 2026): seven observer states -- Brazil (2003), Eritrea (2003),
    # Armenia (2004), Chad (2005), Venezuela (2006), India (2007), Greece (2021).
    observers = {m for m, role in roles(store, "LAS", TODAY).items() if role == "observer"}
    assert observers == {"BRA", "ERI", "ARM", "TCD", "VEN", "IND", "GRC"}
    assert len(full_members(store, "LAS", TODAY)) == 22
