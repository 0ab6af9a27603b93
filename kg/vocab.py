"""Namespaces of the project and the minting of IRIs from codes.

Every resource has an IRI under one base namespace, ``https://w3id.org/alignment-kg/``:

- the ontology: ``{BASE}ontology#Membership``;
- resources: ``{BASE}id/{kind}/{code}``, e.g. ``{BASE}id/state/NZL``, ``{BASE}id/org/NATO``;
- named graphs: ``{BASE}graph/...``.

IRIs are minted from codes only, never from row numbers, so they stay stable across releases.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from pyoxigraph import NamedNode

__all__ = [
    "BASE",
    "AL",
    "ID",
    "GRAPH",
    "PREFIXES",
    "KINDS",
    "mint",
    "code_of",
    "ontology_graph",
    "curated_graph",
]

BASE = "https://w3id.org/alignment-kg/"
AL = BASE + "ontology#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"

#: Kinds of resource and the path segment of their IRIs.
KINDS = {
    "state": "state",
    "org": "org",
    "membership": "membership",
    "partnership": "partnership",
    "step": "step",
    "framework": "framework",
    "topic": "topic",
    "event": "event",
    "participation": "participation",
    "stance": "stance",
    "source": "source",
    "region": "region",
    "role": "role",
    "status": "status",
    "kind": "kind",
    "coverage": "coverage",
    "coverage-statement": "coverage-statement",
    "dataset": "dataset",
    "scheme": "scheme",
    "succession": "succession",
}

#: Prefixes bound in every Turtle output (explicitly: never rely on a library's defaults).
PREFIXES: dict[str, str] = {
    "al": AL,
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "wd": "http://www.wikidata.org/entity/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    **{f"kg{segment}": f"{ID}{segment}/" for segment in KINDS.values()},
}

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def mint(kind: str, code: str) -> NamedNode:
    """Return the IRI of the resource of ``kind`` with ``code``.

    >>> mint("state", "NZL").value
    'https://w3id.org/alignment-kg/id/state/NZL'
    """
    segment = KINDS[kind]
    if not _CODE.match(code):
        code = quote(code, safe="")
    return NamedNode(f"{ID}{segment}/{code}")


def code_of(iri: str) -> str | None:
    """Return the code of a project IRI, or ``None`` for an IRI outside the project.

    >>> code_of("https://w3id.org/alignment-kg/id/org/NATO")
    'NATO'
    """
    if not iri.startswith(ID):
        return None
    rest = iri[len(ID) :]
    _, _, code = rest.partition("/")
    return code or None


def ontology_graph() -> NamedNode:
    """The named graph that holds the ontology."""
    return NamedNode(GRAPH + "ontology")


def curated_graph(name: str = "curated") -> NamedNode:
    """The named graph of a curated table set: the packaged one, or an extra ``--data`` dir."""
    return NamedNode(GRAPH + ("curated" if name == "curated" else f"data/{quote(name, safe='')}"))
