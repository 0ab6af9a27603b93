"""Candidates against the graph: ``confirms`` (the graph holds the same fact), ``conflicts``
(it holds a different date, role or status: what it holds goes in ``graph``), ``new``, or
``unknown`` (the candidate names something the graph cannot be asked about).

Dates are compared at the candidate's precision: ``2023-06`` agrees with a step that starts on
any day of June 2023, ``2012`` with any day of 2012.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kg.ingest.extract import Candidate
from kg.stores.base import Store
from kg.vocab import AL, mint

__all__ = ["compare"]

_PREFIXES = f"PREFIX al: <{AL}>\n"


def _rows(store: Store, query: str) -> list[dict[str, Any]]:
    result = store.select(_PREFIXES + query)
    names = [v.value for v in result.variables]
    return [{n: (s[n].value if s[n] is not None else "") for n in names} for s in result]


def _agrees(date: str, stored: str) -> bool:
    return not date or stored.startswith(date) or (bool(stored) and date.startswith(stored[:len(date)]))


def _membership(store: Store, c: Candidate) -> tuple[str, str]:
    spells = _rows(store, f"""SELECT ?role ?start ?end WHERE {{
        ?m al:member <{mint('state', c.subject).value}> ; al:organization <{mint('org', c.object).value}> ;
           al:role/al:code ?role .
        OPTIONAL {{ ?m al:start ?start }} OPTIONAL {{ ?m al:end ?end }} }} ORDER BY ?start""")
    if not spells:
        return "new", ""
    held = "; ".join(f"{s['role']} from {s['start'] or '?'}" + (f" until {s['end']}" if s["end"] else "")
                     for s in spells)
    if c.kind == "membership":
        full = [s for s in spells if s["role"] in ("member", "founding member")]
        if not full:
            return "conflicts", held
        if not c.date or any(_agrees(c.date, s["start"]) for s in full):
            return "confirms", ""
        return "conflicts", held
    if c.kind == "withdrawal":
        ended = [s for s in spells if s["end"]]
        if any(_agrees(c.date, s["end"]) for s in ended) and ended:
            return "confirms", ""
        return ("conflicts", held) if ended or not c.date else ("new", "")
    if c.kind == "suspension":
        suspended = [s for s in spells if s["role"] == "suspended"]
        if any(_agrees(c.date, s["start"]) for s in suspended):
            return "confirms", ""
        return ("conflicts", held) if suspended else ("new", "")
    # readmission: a suspended spell that ends, a full spell starting that day
    lifted = [s for s in spells if s["role"] == "suspended" and s["end"]]
    if any(_agrees(c.date, s["end"]) for s in lifted):
        return "confirms", ""
    return ("conflicts", held) if lifted else ("new", "")


def _partnership(store: Store, c: Candidate) -> tuple[str, str]:
    framework = f"al:framework/al:code {_literal(c.framework)} ;" if c.framework else ""
    steps = _rows(store, f"""SELECT ?framework ?status ?start WHERE {{
        ?p al:partner <{mint('state', c.subject).value}> ; al:counterpart ?o ; {framework}
           al:framework/al:code ?framework .
        ?o al:code {_literal(c.object)} .
        OPTIONAL {{ ?p al:step ?s . ?s al:status/al:code ?status . OPTIONAL {{ ?s al:start ?start }} }}
    }} ORDER BY ?start""")
    if not steps:
        return "new", ""
    held = "; ".join(f"{s['framework']} {s['status']} from {s['start'] or '?'}" for s in steps if s["status"])
    wanted = {"negotiating": {"negotiating", "proposed"}, "agreed": {"concluded", "active"},
              "active": {"active", "concluded"}, "": None}.get(c.status)
    for step in steps:
        if (wanted is None or step["status"] in wanted) and (
                not c.date or _agrees(c.date, step["start"])):
            return "confirms", ""
    return "conflicts", held


def _topic(store: Store, c: Candidate) -> tuple[str, str]:
    framework = f"al:framework/al:code {_literal(c.framework)} ;" if c.framework else ""
    rows = _rows(store, f"""SELECT ?topic WHERE {{
        ?p al:partner <{mint('state', c.subject).value}> ; al:counterpart ?o ; {framework} al:coverage ?cv .
        ?o al:code {_literal(c.object)} . ?cv al:coveredTopic/al:code ?topic }}""")
    if any(r["topic"] == c.detail for r in rows):
        return "confirms", ""
    return "new", ""


def _participation(store: Store, c: Candidate) -> tuple[str, str]:
    if not c.detail or not c.detail.isupper():
        return "unknown", ""
    rows = _rows(store, f"""SELECT ?role WHERE {{
        ?p al:participant <{mint('state', c.subject).value}> ; al:event <{mint('event', c.detail).value}> ;
           al:participationRole ?role }}""")
    return ("confirms", "") if rows else ("new", "")


def _stance(store: Store, c: Candidate) -> tuple[str, str]:
    rows = _rows(store, f"""SELECT ?start WHERE {{
        ?s al:actor <{mint('state', c.subject).value}> ; al:party <{mint('state', c.object).value}> ;
           al:stanceKind {_literal(c.detail)} . OPTIONAL {{ ?s al:start ?start }} }}""")
    if not rows:
        return "new", ""
    if any(_agrees(c.date, r["start"]) for r in rows):
        return "confirms", ""
    return "conflicts", "; ".join(f"{c.detail} from {r['start'] or '?'}" for r in rows)


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def compare(store: Store, candidates: list[Candidate]) -> list[Candidate]:
    """Each candidate with ``against_graph`` (and ``graph`` where it conflicts) filled in."""
    checks = {"membership": _membership, "withdrawal": _membership, "suspension": _membership,
              "readmission": _membership, "partnership": _partnership, "partnership-topic": _topic,
              "participation": _participation, "stance": _stance}
    out = []
    for c in candidates:
        if not c.subject or not c.object:
            out.append(replace(c, against_graph="unknown"))
            continue
        verdict, held = checks[c.kind](store, c)
        out.append(replace(c, against_graph=verdict, graph=held))
    return out
