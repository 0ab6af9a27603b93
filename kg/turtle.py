"""Pretty, deterministic Turtle and TriG from sorted N-Triples lines.

The input is N-Triples text as Oxigraph writes it (one triple a line, single spaces), sorted,
without duplicates, blank nodes already given canonical labels (:func:`kg.rdfio.export` does
that). The output:

- binds only the prefixes it uses, sorted by name, and writes ``a`` for ``rdf:type``;
- groups by subject (``;``) and predicate (``,``), subjects sorted (IRIs, then blank nodes),
  ``rdf:type`` first, then predicates and objects sorted;
- writes integers, decimals and booleans bare when their lexical form is Turtle's;
- nests a blank node used once as an object as ``[ ... ]`` and a well-formed RDF list as
  ``( ... )``; other blank nodes keep their (canonical) labels.

The same lines always give the same bytes. Writing is done with string operations only (the
terms are never turned into Python objects), so it keeps pace with Oxigraph's own serializer.

>>> import io
>>> out = io.StringIO()
>>> write_turtle(out, [(None, ['<http://e.org/a> <http://e.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .'])],
...              {"e": "http://e.org/"})
>>> print(out.getvalue())
@prefix e: <http://e.org/> .
<BLANKLINE>
e:a e:p 1 .
<BLANKLINE>
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import IO

__all__ = ["split_ntriple", "write_turtle"]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_TYPE = f"<{_RDF}type>"
_FIRST = f"<{_RDF}first>"
_REST = f"<{_RDF}rest>"
_NIL = f"<{_RDF}nil>"
_INDENT = "    "

# A conservative PN_LOCAL: what every Turtle parser reads as a local name without escapes.
_LOCAL = re.compile(r"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?$")
_PREFIX_NAME = re.compile(r"^(?:[A-Za-z](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?$")
_BARE = {
    f"<{_XSD}integer>": re.compile(r"^[+-]?[0-9]+$"),
    f"<{_XSD}decimal>": re.compile(r"^[+-]?[0-9]*\.[0-9]+$"),
    f"<{_XSD}boolean>": re.compile(r"^(?:true|false)$"),
}

Triple = tuple[str, str, str]


def split_ntriple(line: str) -> Triple:
    """Split one N-Triples line (``<s> <p> object .``) into its three terms' text."""
    subject, predicate, rest = line.split(" ", 2)
    return subject, predicate, rest[:-2] if rest.endswith(" .") else rest.rstrip(" .")


class _Terms:
    """Abbreviates terms with the prefixes, remembering which prefixes were used."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.by_namespace = {ns: name for name, ns in prefixes.items() if _PREFIX_NAME.match(name)}
        self.used: set[str] = set()
        self.cache: dict[str, str] = {_TYPE: "a"}

    def iri(self, text: str) -> str:
        """``<iri>`` as ``prefix:local`` where a bound namespace allows it."""
        value = text[1:-1]
        cut = max(value.rfind("#"), value.rfind("/")) + 1
        name = self.by_namespace.get(value[:cut]) if cut else None
        if name is not None and _LOCAL.match(value[cut:]):
            self.used.add(name)
            return f"{name}:{value[cut:]}"
        return text

    def term(self, text: str) -> str:
        cached = self.cache.get(text)
        if cached is not None:
            return cached
        if text.startswith("<") and not text.startswith("<<"):
            rendered = self.iri(text)
        elif text.startswith('"') and text.endswith(">"):
            cut = text.rfind('"^^<')
            lexical, datatype = text[: cut + 1], text[cut + 3 :]
            pattern = _BARE.get(datatype)
            if pattern is not None and pattern.match(lexical[1:-1]):
                rendered = lexical[1:-1]
            else:
                rendered = f"{lexical}^^{self.iri(datatype)}"
        else:
            rendered = text  # plain and language-tagged literals, blank nodes, triple terms
        if len(self.cache) < 1_000_000:
            self.cache[text] = rendered
        return rendered


class _Graph:
    """One graph's triples, grouped by subject, with what nesting blank nodes needs."""

    def __init__(self, lines: Sequence[str], shared: set[str]) -> None:
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        blank: dict[str, list[tuple[str, str]]] = {}
        uses: dict[str, int] = {}
        current: str | None = None
        pairs: list[tuple[str, str]] = []
        for line in lines:  # the hot loop: kept to plain string operations
            subject, predicate, obj = line.split(" ", 2)
            obj = obj[:-2]
            if subject != current:
                current, pairs = subject, []
                groups.append((subject, pairs))
                if subject[0] == "_":
                    blank[subject] = pairs
            pairs.append((predicate, obj))
            if obj[0] == "_":
                uses[obj] = uses.get(obj, 0) + 1
        self.groups = groups
        self.blank = blank
        # A blank node can be nested where it is used once (and nowhere else in the dataset) ...
        nestable = {b for b, n in uses.items() if n == 1 and b not in shared}
        # ... and that use is reachable from a subject written at the top level (blank nodes
        # that only point at each other in a cycle keep their labels).
        reached: set[str] = set()
        if nestable:
            todo = [pairs for subject, pairs in groups if subject not in nestable]
            while todo:
                for _, obj in todo.pop():
                    if obj in nestable and obj not in reached:
                        reached.add(obj)
                        todo.append(blank.get(obj, []))
        self.nested = nestable & reached

    def list_items(self, node: str) -> list[str] | None:
        """The members of the RDF list starting at blank node ``node``, if it is a clean one."""
        items: list[str] = []
        seen: set[str] = set()
        while node != _NIL:
            pairs = self.blank.get(node)
            if (node in seen or node not in self.nested or pairs is None or len(pairs) != 2
                    or pairs[0][0] != _FIRST or pairs[1][0] != _REST):
                return None
            seen.add(node)
            items.append(pairs[0][1])
            node = pairs[1][1]
        return items


def _type_first(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``rdf:type`` first; the rest in the (sorted) input order."""
    if len(pairs) > 1 and pairs[0][0] != _TYPE:
        typed = [pair for pair in pairs if pair[0] == _TYPE]
        if typed:
            return typed + [pair for pair in pairs if pair[0] != _TYPE]
    return pairs


def _write_graph(out: IO[str], graph: _Graph, terms: _Terms, indent: str) -> None:
    nested = graph.nested
    cache = terms.cache
    term = terms.term

    def render(text: str, depth: int) -> str:
        if text in nested:
            items = graph.list_items(text)
            if items is not None:
                return "( " + " ".join(render(item, depth) for item in items) + " )"
            pairs = graph.blank.get(text)
            if not pairs:
                return "[]"
            return ("[\n" + indent + _INDENT * (depth + 1) + body(_type_first(pairs), depth + 1)
                    + "\n" + indent + _INDENT * depth + "]")
        rendered = cache.get(text)
        return rendered if rendered is not None else term(text)

    def body(pairs: list[tuple[str, str]], depth: int) -> str:
        """The predicate-object list, its first predicate without indentation."""
        next_predicate = " ;\n" + indent + _INDENT * depth
        next_object = " ,\n" + indent + _INDENT * (depth + 1)
        parts: list[str] = []
        previous = None
        for predicate, obj in pairs:
            if nested:
                rendered = render(obj, depth)
            else:
                rendered = cache.get(obj) or term(obj)
            if predicate == previous:
                # one object a line; a nested block starts where the last one ends
                parts.append((" , " if rendered[:2] == "[\n" else next_object) + rendered)
                continue
            if previous is not None:
                parts.append(next_predicate)
            parts.append(cache.get(predicate) or term(predicate))
            parts.append(" ")
            parts.append(rendered)
            previous = predicate
        return "".join(parts)

    for subject, pairs in graph.groups:
        if subject in nested:
            continue
        out.write(f"{indent}{cache.get(subject) or term(subject)} {body(_type_first(pairs), 1)} .\n\n")


def write_turtle(
    out: IO[str],
    graphs: Sequence[tuple[str | None, Sequence[str]]],
    prefixes: dict[str, str],
) -> None:
    """Write Turtle (one graph named ``None``) or TriG (graphs named by their ``<iri>``).

    ``graphs`` pairs a graph name (``None`` for the default graph) with its sorted N-Triples
    lines; graphs are written in the order given. ``prefixes`` maps names to namespaces; only
    those used are bound.
    """
    terms = _Terms(prefixes)
    counts: dict[str, int] = {}
    if len(graphs) > 1:
        for _, lines in graphs:
            for label in {t for line in lines if "_:" in line for t in split_ntriple(line) if t.startswith("_:")}:
                counts[label] = counts.get(label, 0) + 1
    shared = {label for label, n in counts.items() if n > 1}
    body = io.StringIO()
    for name, lines in graphs:
        graph = _Graph(lines, shared)
        if name is None:
            _write_graph(body, graph, terms, "")
        else:
            body.write(f"{terms.term(name)} {{\n")
            _write_graph(body, graph, terms, _INDENT)
            body.write("}\n\n")
    for prefix in sorted(terms.used):
        out.write(f"@prefix {prefix}: <{prefixes[prefix]}> .\n")
    if terms.used:
        out.write("\n")
    text = body.getvalue()
    out.write(text[:-1] if text.endswith("\n\n") else text)
