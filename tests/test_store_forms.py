"""A query's answer has one declared type on every store: ``Store.query`` gives pyoxigraph's
solutions, boolean or triples, and ``select``, ``ask`` and ``construct`` give the one form a
reader expects, refusing another. A ``StoreView`` passes everything to the store it wraps; the
web pages' view keeps the answers of a few queries and gives them again as new solutions."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.errors import StoreError
from kg.query import current_as_of
from kg.stores.base import StoreView
from kg.vocab import AL
from kg.web.pages import _STABLE, _STABLE_ANSWERS, _Remembering

NATO = "<https://w3id.org/alignment-kg/id/org/NATO>"


def test_each_form_is_asked_for_by_name(memory_store):
    rows = list(memory_store.select(f"SELECT ?code WHERE {{ {NATO} <{AL}code> ?code }}"))
    assert [row["code"].value for row in rows] == ["NATO"]
    assert memory_store.ask(f"ASK {{ {NATO} a <{AL}Organization> }}") is True
    assert memory_store.ask(f"ASK {{ {NATO} a <{AL}State> }}") is False
    triples = list(memory_store.construct(f"CONSTRUCT {{ {NATO} <{AL}code> ?c }} WHERE {{ {NATO} <{AL}code> ?c }}"))
    assert [(t.predicate.value, t.object.value) for t in triples] == [(AL + "code", "NATO")]


@pytest.mark.parametrize(("method", "text", "expected"), [
    ("select", "ASK {}", "expected SELECT results, got QueryBoolean"),
    ("ask", "SELECT * WHERE {}", "expected an ASK answer, got QuerySolutions"),
    ("construct", "ASK {}", "expected CONSTRUCT results, got QueryBoolean"),
])
def test_another_form_is_refused(memory_store, method, text, expected):
    with pytest.raises(StoreError, match=expected):
        getattr(memory_store, method)(text)


def test_a_view_passes_everything_to_the_store(memory_store):
    view = StoreView(memory_store)
    assert view.__wrapped__ is memory_store and view.location == memory_store.location
    assert view.graph_iris() == memory_store.graph_iris()
    assert view.latest() is view  # nothing newer in memory
    assert view.ask(f"ASK {{ {NATO} a <{AL}Organization> }}")
    with pytest.raises(StoreError, match="made from an opened store"):
        StoreView.at(memory_store.location)


def test_the_pages_view_keeps_stable_answers_as_new_solutions(memory_store):
    view = _Remembering(memory_store)
    day = current_as_of(memory_store)
    assert day is not None and current_as_of(view) == day
    current = f"SELECT (MAX(?d) AS ?day) WHERE {{ ?ds <{AL}currentAsOf> ?d }}"
    assert current in _STABLE and current in _STABLE_ANSWERS[memory_store]  # kept per store
    first, second = view.query(current), view.query(current)
    assert isinstance(first, ox.QuerySolutions) and first is not second
    assert [s["day"].value for s in first] == [s["day"].value for s in second] == [day]
