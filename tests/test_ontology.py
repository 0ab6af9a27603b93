"""The ontology: declared terms, normalised files, the reference, the shapes, inference."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.build import read_ontology
from kg.catalogue import catalogue
from kg.query import run_query
from kg.reference import example_queries, normalised_turtle, ontology_files, render_reference
from kg.resources import ontology_dir
from kg.vocab import AL

ROOT = Path(__file__).resolve().parents[1]
ALNS = Namespace(AL)
SH = Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for quad in read_ontology():
        graph.parse(data=str(ox.Triple(quad.subject, quad.predicate, quad.object)) + " .", format="nt")
    return graph


def declared_terms(ontology: Graph) -> set[str]:
    return {str(s) for s in ontology.subjects(RDFS.isDefinedBy, URIRef(AL.rstrip("#")))}


def test_every_class_and_property_has_label_comment_and_definedby(ontology):
    terms = declared_terms(ontology)
    assert len(terms) > 60
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in ontology.subjects(RDF.type, kind):
            if str(term).startswith(AL):
                assert str(term) in terms, f"{term} lacks rdfs:isDefinedBy"
    for term in terms:
        node = URIRef(term)
        assert ontology.value(node, RDFS.label) is not None, f"{term} has no rdfs:label"
        assert ontology.value(node, RDFS.comment) is not None, f"{term} has no rdfs:comment"


def test_every_term_used_is_declared(ontology, memory_store):
    """The typo test: an al: term in the data, the shapes or any query must exist in the ontology."""
    declared = declared_terms(ontology)
    used: dict[str, str] = {}
    for quad in memory_store.quads():
        for term in (quad.predicate, quad.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(AL):
                used.setdefault(term.value, "the built graph")
    texts = [(p, p.read_text()) for p in ontology_dir().rglob("*.rq")]
    texts += [(e.path, e.text) for e in catalogue().values()]
    texts += [(p, p.read_text()) for p in (ROOT / "kg" / "sparql").rglob("*.rq")]
    texts += [(ontology_dir() / "shapes.ttl", (ontology_dir() / "shapes.ttl").read_text())]
    for path, text in texts:
        for local in re.findall(r"\bal:([A-Za-z][A-Za-z0-9_]*)", text):
            used.setdefault(AL + local, str(path))
    undeclared = {term: where for term, where in used.items() if term not in declared}
    assert undeclared == {}


def test_ontology_files_are_normalised():
    for path in ontology_files():
        assert path.read_text(encoding="utf-8") == normalised_turtle(path), (
            f"{path} is not in its normalised form: run `kg ontology normalise`")


def test_the_reference_is_current(memory_store):
    committed = (ROOT / "docs" / "ontology.md").read_text(encoding="utf-8")
    assert committed == render_reference(memory_store), (
        "docs/ontology.md is stale: run `kg ontology reference -o docs/ontology.md`")


def test_the_reference_lists_every_term(ontology):
    text = (ROOT / "docs" / "ontology.md").read_text(encoding="utf-8")
    for term in declared_terms(ontology):
        assert f"`al:{term[len(AL):]}`" in text


@pytest.mark.parametrize("name", [name for name, _, _ in example_queries()])
def test_example_questions_run_and_return_rows(memory_store, name):
    assert len(example_queries()) >= 5
    text = next(text for n, _, text in example_queries() if n == name)
    result = run_query(memory_store, text)
    assert result.rows, f"{name} returns no rows"


# --- Shapes: a passing and a failing example for every shape ------------------------------------

PREFIXES = """
@prefix al: <https://w3id.org/alignment-kg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
ex:src a al:NewsReport ; dcterms:title "A report" ; dcterms:publisher "A paper" .
ex:org a al:Organization ; al:code "XORG" ; rdfs:label "An org"@en ; al:kind ex:kind .
ex:kind a al:OrganizationKind .
ex:state a al:State ; al:code "XST" ; rdfs:label "A state"@en .
ex:role a al:Role .
ex:status a al:Status .
ex:fw a al:Framework .
ex:p a al:Partnership ; al:partner ex:state ; al:counterpart ex:org ; al:framework ex:fw ;
     prov:wasDerivedFrom ex:src .
"""

SHAPE_EXAMPLES = {
    "FactShape": (
        "ex:f a al:Stance ; prov:wasDerivedFrom ex:src .",
        "ex:f a al:Stance .",
    ),
    "DatedShape": (
        'ex:e al:start "2020-01-01"^^xsd:date ; al:end "2020-01-01"^^xsd:date ; al:startPrecision al:day .',
        'ex:e al:start "2020-01-02"^^xsd:date ; al:end "2020-01-01"^^xsd:date .',
    ),
    "ExclusiveEndShape": (
        'ex:m a al:Stance ; al:start "2020-01-01"^^xsd:date ; al:end "2020-01-02"^^xsd:date .',
        'ex:m a al:Stance ; al:start "2020-01-01"^^xsd:date ; al:end "2020-01-01"^^xsd:date .',
    ),
    "MembershipShape": (
        "ex:m a al:Membership ; al:organization ex:org ; al:member ex:state ; al:role ex:role .",
        "ex:m a al:Membership ; al:organization ex:org ; al:member ex:state ; al:role ex:notarole .",
    ),
    "PartnershipShape": (
        "ex:q a al:Partnership ; al:partner ex:state ; al:counterpart ex:org ; al:framework ex:fw .",
        "ex:q a al:Partnership ; al:partner ex:state ; al:framework ex:fw .",
    ),
    "StepShape": (
        "ex:s a al:PartnershipStep ; al:status ex:status ; al:stepOf ex:p .",
        "ex:s a al:PartnershipStep ; al:stepOf ex:p .",
    ),
    "CodedShape": (
        'ex:t a al:State ; al:code "XTT" ; rdfs:label "T"@en .',
        'ex:t a al:State ; al:code "XTT" ; rdfs:label "T"@en , "Tee"@en .',
    ),
    "OrganizationShape": (
        'ex:o a al:Organization ; al:kind ex:kind .',
        'ex:o a al:Organization .',
    ),
    "SourceShape": (
        'ex:s2 a al:Source ; dcterms:title "T" ; dcterms:publisher "P" .',
        'ex:s2 a al:Source ; dcterms:publisher "P" .',
    ),
    "StateCodeShape": (
        'ex:t a al:State ; al:code "XBAV" ; al:iso2 "NZ" ; al:wikidata "Q664" .',
        'ex:t a al:State ; al:code "nzl" .',
    ),
    "OrganizationDatesShape": (
        'ex:o a al:Organization ; al:founded "1955-05-14"^^xsd:date ; al:dissolved "1991-07-01"^^xsd:date .',
        'ex:o a al:Organization ; al:founded "1991-07-01"^^xsd:date ; al:dissolved "1955-05-14"^^xsd:date .',
    ),
    "ChangeShape": (
        'ex:c a al:Accession ; al:ofMembership ex:m ; al:date "2020-01-01"^^xsd:date . ex:m a al:Membership .',
        'ex:c a al:Accession ; al:date "2020-01-01"^^xsd:date .',
    ),
}


def shapes_graph() -> Graph:
    graph = Graph()
    graph.parse(str(ontology_dir() / "shapes.ttl"), format="turtle")
    return graph


def one_shape(shapes: Graph, name: str) -> Graph:
    """The shape called ``name`` with everything it points to through blank nodes."""
    out = Graph()
    todo = [URIRef("https://w3id.org/alignment-kg/shapes#" + name)]
    while todo:
        node = todo.pop()
        for p, o in shapes.predicate_objects(node):
            out.add((node, p, o))
            if not isinstance(o, URIRef) and o.__class__.__name__ == "BNode":
                todo.append(o)
    return out


def test_every_shape_has_examples():
    names = {str(s).rsplit("#", 1)[1] for s in shapes_graph().subjects(RDF.type, SH.NodeShape)}
    assert names == set(SHAPE_EXAMPLES)


@pytest.mark.parametrize("name", sorted(SHAPE_EXAMPLES))
def test_each_shape_passes_and_fails_its_examples(ontology, name):
    import pyshacl

    shape = one_shape(shapes_graph(), name)
    assert len(shape) > 2
    passing, failing = SHAPE_EXAMPLES[name]
    for example, expected in ((passing, True), (failing, False)):
        data = Graph()
        data.parse(data=PREFIXES + example, format="turtle")
        data += ontology  # subclass relations, so targets include subclasses
        conforms, _, text = pyshacl.validate(data, shacl_graph=shape, inference="none", advanced=True)
        assert conforms is expected, f"{name}: {example}\n{text}"


# RDFS entailment rules (rdfs2, rdfs3, rdfs5, rdfs7, rdfs9, rdfs11) and OWL's inverseOf
# (prp-inv1, prp-inv2), applied to a fixpoint inside Oxigraph. owlrl's closure was not used: it
# merges "USA" and "USA"@en through its literal proxies and so invents violations.
RULES = [
    "CONSTRUCT { ?s a ?c } WHERE { ?p rdfs:domain ?c . ?s ?p ?o }",
    "CONSTRUCT { ?o a ?c } WHERE { ?p rdfs:range ?c . ?s ?p ?o FILTER(!isLiteral(?o)) }",
    "CONSTRUCT { ?p rdfs:subPropertyOf ?r } WHERE { ?p rdfs:subPropertyOf ?q . ?q rdfs:subPropertyOf ?r }",
    "CONSTRUCT { ?s ?q ?o } WHERE { ?p rdfs:subPropertyOf ?q . ?s ?p ?o }",
    "CONSTRUCT { ?s a ?d } WHERE { ?c rdfs:subClassOf ?d . ?s a ?c }",
    "CONSTRUCT { ?c rdfs:subClassOf ?e } WHERE { ?c rdfs:subClassOf ?d . ?d rdfs:subClassOf ?e }",
    "CONSTRUCT { ?o ?q ?s } WHERE { ?p owl:inverseOf ?q . ?s ?p ?o }",
    "CONSTRUCT { ?o ?p ?s } WHERE { ?p owl:inverseOf ?q . ?s ?q ?o }",
]


def closure(quads) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    prologue = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                "PREFIX owl: <http://www.w3.org/2002/07/owl#> ")
    while True:
        before = len(store)
        for rule in RULES:
            store.extend([ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                          for t in store.query(prologue + rule)])
        if len(store) == before:
            return store


def test_inference_keeps_the_data_valid_and_derives_what_matters(memory_store):
    """After RDFS (and inverseOf) inference the curated data still passes the shapes, and the
    inferred facts that matter hold: class memberships through subclasses, ORG properties
    through subproperties, inverse step links."""
    import pyshacl

    inferred = closure(memory_store.quads())
    assert len(inferred) > len(list(memory_store.quads()))
    data = Graph()
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in inferred)
    data.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes_graph(), inference="none", advanced=True)
    assert conforms, text
    nzl = URIRef("https://w3id.org/alignment-kg/id/state/NZL")
    assert (nzl, RDF.type, ALNS.Actor) in data
    assert (nzl, RDF.type, URIRef("http://www.w3.org/ns/prov#Agent")) in data
    org = Namespace("http://www.w3.org/ns/org#")
    memberships = list(data.subjects(RDF.type, ALNS.Membership))
    assert memberships
    assert all((m, RDF.type, org.Membership) in data for m in memberships)
    assert all((m, org.member, None) in data and (m, org.organization, None) in data for m in memberships)
    for partnership, step in data.subject_objects(ALNS.step):
        assert (step, ALNS.stepOf, partnership) in data


def test_normalise_refuses_a_file_that_is_not_turtle_in_one_line_and_writes_nothing(runner, tmp_path, monkeypatch):
    """`kg ontology normalise` reads every file before it writes one: a file that is not Turtle
    is named with its line, no traceback, and a stale file beside it is left as it was."""
    import kg.reference
    from kg.cli import main

    stale = tmp_path / "a.ttl"
    stale.write_text("@prefix e: <http://e.org/> .\ne:b e:p 1 . e:a e:p 2 .\n", encoding="utf-8")
    broken = tmp_path / "b.ttl"
    broken.write_text("@prefix e: <http://e.org/> .\n\ne:a e:p [ .\n", encoding="utf-8")
    monkeypatch.setattr(kg.reference, "ontology_files", lambda: [stale, broken])
    before = stale.read_bytes()
    result = runner.invoke(main, ["ontology", "normalise"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"kg: error: {broken}:3: not valid Turtle"), result.stderr
    assert "Traceback" not in result.output
    assert stale.read_bytes() == before
    monkeypatch.setattr(kg.reference, "ontology_files", lambda: [stale])
    assert runner.invoke(main, ["ontology", "normalise"]).exit_code == 0
    assert stale.read_text(encoding="utf-8") == normalised_turtle(stale) != before.decode()
