"""Facts the data tests state independently of the tables, and the readers they share.

The expectations come from the organisations' own pages and other sources, named where each is
used; the readers go through the catalogue (``members``), as a user would.
"""

from __future__ import annotations

from kg.query import run_query

#: The 193 member states of the United Nations, by ISO 3166-1 alpha-3 code, as listed on the
#: UN's "Member States" page (United Nations, un.org, "Member States").
UN_MEMBERS = frozenset(
    """AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH BWA BRA
    BRN BGR BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG CRI CIV HRV CUB CYP CZE PRK COD DNK
    DJI DMA DOM ECU EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA GRC GRD GTM GIN GNB
    GUY HTI HND HUN ISL IND IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR KWT KGZ LAO LVA LBN LSO
    LBR LBY LIE LTU LUX MDG MWI MYS MDV MLI MLT MHL MRT MUS MEX FSM MCO MNG MNE MAR MOZ MMR NAM NRU
    NPL NLD NZL NIC NER NGA MKD NOR OMN PAK PLW PAN PNG PRY PER PHL POL PRT QAT KOR MDA ROU RUS RWA
    KNA LCA VCT WSM SMR STP SAU SEN SRB SYC SLE SGP SVK SVN SLB SOM ZAF SSD ESP LKA SDN SUR SWE CHE
    SYR TJK THA TLS TGO TON TTO TUN TUR TKM TUV UGA UKR ARE GBR TZA USA URY UZB VUT VEN VNM YEM ZMB
    ZWE""".split()
)

#: The roles of a full member, as organisations count their members (suspended ones included).
FULL_ROLES = frozenset({"founding member", "member", "suspended"})


def members(store, org: str, at: str | None) -> list[dict[str, str]]:
    """The spells of ``org`` (in force on ``at``, or all of them), as records."""
    params = {"org": org} | ({"at": at} if at is not None else {})
    return run_query(store, "members", params).records()


def roles(store, org: str, at: str) -> dict[str, str]:
    """Member -> role of every spell of ``org`` in force on ``at``."""
    return {r["member"]: r["role"] for r in members(store, org, at)}


def full_members(store, org: str, at: str) -> set[str]:
    """The full members of ``org`` on ``at`` (suspended ones count; observers, associates and
    partners do not)."""
    return {r["member"] for r in members(store, org, at) if r["role"] in FULL_ROLES}
