"""The human-readable reference of the ontology, and the normalised form of its Turtle files.

``kg ontology reference -o docs/ontology.md`` regenerates the reference; a test checks that the
committed file is current. ``kg ontology normalise`` rewrites ``ontology/*.ttl`` in their one
normalised serialisation (rdflib's sorted ``longturtle``); a test checks they are normalised.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.errors import DataError
from kg.resources import ontology_dir
from kg.sparqltext import read_query
from kg.stores.base import Store
from kg.vocab import AL, PREFIXES, code_of

__all__ = ["normalised_turtle", "ontology_files", "example_queries", "render_reference"]

_RDF = PREFIXES["rdf"]
_RDFS = PREFIXES["rdfs"]
_OWL = PREFIXES["owl"]
_SKOS = PREFIXES["skos"]

#: Subjects preferred as examples, so the reference shows the project's own story.
_PREFERRED = ("NZL", "NATO", "NZL-NATO-ITPP", "ITPP", "CYBER-SECURITY", "NATO-SUMMIT-2022-MADRID",
              "NATO-NZL", "reuters-2023-06-14", "natowatch-2012-06-04")


def ontology_files() -> list[Path]:
    """The Turtle files of the ontology directory (ontology, vocabularies, shapes, ...)."""
    return sorted(ontology_dir().glob("*.ttl"))


def normalised_turtle(path: Path) -> str:
    """The file's content in the project's normalised Turtle: sorted, prefixes bound explicitly.

    Raises :class:`DataError` (one line: ``file:line: ...``) when the file is not Turtle."""
    from rdflib import Graph
    from rdflib.plugins.parsers.notation3 import BadSyntax

    graph = Graph(bind_namespaces="none")
    try:
        graph.parse(str(path), format="turtle")
    except BadSyntax as error:
        raise DataError(f"{path}:{error.lines + 1}: not valid Turtle ({getattr(error, '_why', 'bad syntax')})") from error
    used = path.read_text(encoding="utf-8")
    for prefix, namespace in sorted(PREFIXES.items()):
        if f"<{namespace}" in used or f"{prefix}:" in used:
            graph.bind(prefix, namespace, override=True, replace=True)
    for prefix, namespace in _file_prefixes(used).items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph.serialize(format="longturtle")


def _file_prefixes(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0].lower() in ("@prefix", "prefix"):
            found[parts[1].rstrip(":")] = parts[2].strip("<>")
    return found


def example_queries() -> list[tuple[str, str, str]]:
    """``(name, question, SPARQL text)`` of the example analyst questions in ``ontology/examples``."""
    examples = []
    for path in sorted((ontology_dir() / "examples").glob("*.rq")):
        text = read_query(path)
        question = " ".join(line.lstrip("# ").strip() for line in text.splitlines()
                            if line.startswith("#"))
        examples.append((path.stem, question, text))
    return examples


def _short(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> str:
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "(anonymous)"
    for prefix, namespace in PREFIXES.items():
        local = term.value[len(namespace):]
        if term.value.startswith(namespace) and local and all(c.isalnum() or c in "-_." for c in local):
            return f"{prefix}:{local}"
    return f"<{term.value}>"


def _values(store: ox.Store, subject: ox.NamedNode, predicate: str) -> list:
    return sorted((q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)),
                  key=str)


def _example(data: Store, query: str) -> str | None:
    """The preferred example among the subjects a query returns (column ``x``), else the first."""
    rows = [s["x"].value for s in data.select(query)]
    if not rows:
        return None
    for code in _PREFERRED:
        for iri in rows:
            if code_of(iri) == code or iri.endswith("/" + code):
                return iri
    return min(rows)


def _describe(data: Store, iri: str, limit: int = 8) -> str:
    lines = []
    for solution in data.select(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }} ORDER BY ?p ?o LIMIT {limit}"):
        obj = solution["o"]
        shown = f'"{obj.value}"' if isinstance(obj, ox.Literal) else _short(obj)
        lines.append(f"    {_short(solution['p'])} {shown} ;")
    if lines:
        lines[-1] = lines[-1][:-2] + " ."
    return f"{_short(ox.NamedNode(iri))}\n" + "\n".join(lines)


def render_reference(data: Store) -> str:
    """The reference in Markdown: every class and property with label, comment and an example
    from ``data`` (a store built from the packaged data), the vocabularies, example questions."""
    onto = ox.Store()
    for path in ontology_files():
        if path.name != "shapes.ttl":
            onto.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                             for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    header = ox.NamedNode(AL.rstrip("#"))
    out = ["# The alignment ontology: reference", "",
           "Generated by `kg ontology reference -o docs/ontology.md` from `ontology/*.ttl` and the "
           "packaged data; do not edit by hand.", ""]
    for predicate, name in ((_OWL + "versionInfo", "Version"), (_OWL + "versionIRI", "Version IRI"),
                            (PREFIXES["dcterms"] + "license", "Licence"),
                            (PREFIXES["dcterms"] + "modified", "Modified")):
        for value in _values(onto, header, predicate):
            out.append(f"- {name}: {value.value}")
    out.append(f"- Namespace: `{AL}` (prefix `al:`); resources: `https://w3id.org/alignment-kg/id/<kind>/<code>`")
    for value in _values(onto, header, _RDFS + "comment"):
        out += ["", value.value]
    type_ = ox.NamedNode(_RDF + "type")
    defined = ox.NamedNode(_RDFS + "isDefinedBy")
    terms = sorted({q.subject.value for q in onto.quads_for_pattern(None, defined, header)
                    if isinstance(q.subject, ox.NamedNode)})
    owl_class = ox.NamedNode(_OWL + "Class")
    classes = [t for t in terms if ox.Quad(ox.NamedNode(t), type_, owl_class, ox.DefaultGraph()) in onto]
    properties = [t for t in terms if t not in classes and any(
        True for q in onto.quads_for_pattern(ox.NamedNode(t), type_, None)
        if isinstance(q.object, ox.NamedNode) and q.object.value.endswith("Property"))]
    individuals = [t for t in terms if t not in classes and t not in properties]
    out += ["", f"## Classes ({len(classes)})", ""]
    for iri in classes:
        node = ox.NamedNode(iri)
        out += _term_section(onto, node)
        example = _example(data, f"SELECT ?x WHERE {{ ?x a <{iri}> }}")
        if example:
            out += ["", "Example:", "", "```turtle", _describe(data, example), "```"]
        out.append("")
    out += [f"## Properties ({len(properties)})", ""]
    for iri in properties:
        node = ox.NamedNode(iri)
        out += _term_section(onto, node)
        example = _example(data, f"SELECT DISTINCT ?x WHERE {{ ?x <{iri}> ?o }}")
        if example:
            values = [s["o"] for s in data.select(f"SELECT ?o WHERE {{ <{example}> <{iri}> ?o }} ORDER BY ?o LIMIT 3")]
            shown = ", ".join(f'"{v.value}"' if isinstance(v, ox.Literal) else _short(v) for v in values)
            out += ["", f"Example: `{_short(ox.NamedNode(example))} {_short(node)} {shown}`"]
        out.append("")
    if individuals:
        out += [f"## Individuals ({len(individuals)})", ""]
        for iri in individuals:
            out += _term_section(onto, ox.NamedNode(iri)) + [""]
    out += ["## Controlled vocabularies", ""]
    in_scheme = ox.NamedNode(_SKOS + "inScheme")
    for scheme in sorted({q.object.value for q in onto.quads_for_pattern(None, in_scheme, None)
                          if isinstance(q.object, ox.NamedNode)}):
        label = _values(onto, ox.NamedNode(scheme), _RDFS + "label")
        out += [f"### {label[0].value if label else scheme}", "", "| code | definition |", "| --- | --- |"]
        members = [q.subject for q in onto.quads_for_pattern(None, in_scheme, ox.NamedNode(scheme))
                   if isinstance(q.subject, ox.NamedNode)]
        for concept in sorted(members, key=str):
            code = _values(onto, concept, AL + "code")
            definition = _values(onto, concept, _SKOS + "definition")
            out.append(f"| `{code[0].value if code else _short(concept)}` | {definition[0].value if definition else ''} |")
        out.append("")
    out += ["## Example questions", "",
            "Each runs as it is with `kg query ontology/examples/NAME.rq` (the tests run them all).", ""]
    for name, question, text in example_queries():
        out += [f"### {question}", "", f"`{name}.rq`", "", "```sparql", text.rstrip(), "```", ""]
    return "\n".join(out).rstrip() + "\n"


def _term_section(onto: ox.Store, node: ox.NamedNode) -> list[str]:
    label = _values(onto, node, _RDFS + "label")
    lines = [f"### `{_short(node)}` — {label[0].value if label else ''}", ""]
    for comment in _values(onto, node, _RDFS + "comment"):
        lines.append(comment.value)
    facts = []
    for predicate, name in ((_RDF + "type", "type"), (_RDFS + "subClassOf", "subclass of"),
                            (_RDFS + "subPropertyOf", "subproperty of"), (_RDFS + "domain", "domain"),
                            (_RDFS + "range", "range"), (_OWL + "inverseOf", "inverse of"),
                            (_SKOS + "closeMatch", "close match")):
        values = [_short(v) for v in _values(onto, node, predicate)]
        if values:
            facts.append(f"- {name}: {', '.join(f'`{v}`' for v in values)}")
    return lines + ([""] + facts if facts else [])
