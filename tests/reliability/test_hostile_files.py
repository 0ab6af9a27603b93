"""Hostile RDF files through `kg load`: XML entity expansion ("billion laughs", quadratic blowup),
external entities and DTDs, remote JSON-LD contexts, deep nesting, giant tokens, IRIs that are
not IRIs. Each is refused in one line or loaded within seconds; nothing outside the file is
read (no /etc/passwd, no connection), and a refused file changes nothing."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import load_into

from kg.store import resolve_location
from reliability.support import KG, Listener, content, one_error_line

pytestmark = pytest.mark.reliability

PASSWD = Path("/etc/passwd")
RDF_OPEN = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:e="http://example.org/">\n')
SECONDS = 10  # "within a few seconds": every command here ends well within this


def laughs(levels: int = 10) -> str:
    declarations = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(declarations) + "\n]>\n" + RDF_OPEN
            + f'<rdf:Description rdf:about="http://example.org/a"><e:p>&lol{levels - 1};</e:p>'
            "</rdf:Description>\n</rdf:RDF>\n")


def doctype(subset: str, body: str = "<e:p>&x;</e:p>") -> str:
    return ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + subset + "\n]>\n" + RDF_OPEN
            + f'<rdf:Description rdf:about="http://example.org/a">{body}</rdf:Description>\n</rdf:RDF>\n')


#: name: (file name, text (``{url}``: the loopback listener), what the one error line says; None: it loads)
CASES: dict[str, tuple[str, str, str | None]] = {
    "billion laughs": ("laughs.rdf", laughs(), "XML entities would expand to"),
    "quadratic blowup": ("quadratic.rdf", doctype(f'<!ENTITY x "{"a" * 100_000}">',
                                                  "<e:p>" + "&x;" * 100_000 + "</e:p>"),
                         "XML entities would expand to"),
    "a self-referencing entity": ("loop.rdf", doctype('<!ENTITY x "&y;">\n<!ENTITY y "&x;">'), "refers to itself"),
    "an external entity (file)": ("xxe.rdf", doctype(f'<!ENTITY x SYSTEM "file://{PASSWD}">'),
                                  "XML external and parameter entities"),
    "an external entity (http)": ("xxe-http.rdf", doctype('<!ENTITY x SYSTEM "{url}x">'),
                                  "XML external and parameter entities"),
    "a public external entity": ("xxe-public.rdf", doctype('<!ENTITY x PUBLIC "-//X//EN" "{url}x">'),
                                 "XML external and parameter entities"),
    "a parameter entity": ("pe.rdf", doctype('<!ENTITY % p SYSTEM "{url}p.dtd">\n%p;', "<e:p>x</e:p>"),
                           "XML external and parameter entities"),
    "an external DTD": ("dtd.rdf", '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "{url}x.dtd">\n' + RDF_OPEN
                        + '<rdf:Description rdf:about="http://example.org/a"><e:p>x</e:p></rdf:Description>\n'
                        "</rdf:RDF>\n", None),
    "an XInclude": ("xinclude.rdf", RDF_OPEN.replace("<rdf:RDF ", '<rdf:RDF xmlns:xi="http://www.w3.org/2001/XInclude" ')
                    + '<rdf:Description rdf:about="http://example.org/a"><e:p rdf:parseType="Literal">'
                    '<xi:include href="{url}x" parse="text"/></e:p></rdf:Description>\n</rdf:RDF>\n', None),
    "entities for namespaces (as ontology editors write)": (
        "owl-style.rdf", doctype('<!ENTITY e "http://example.org/">', '<e:p rdf:resource="&e;b"/>'), None),
    "a remote JSON-LD context": ("remote.jsonld", ('{"@context": "{url}context.jsonld", '
                                                   '"@id": "http://example.org/a", "p": "x"}'), "remote contexts"),
    "an imported JSON-LD context": ("import.jsonld", ('{"@context": {"@import": "{url}context.jsonld"}, '
                                                      '"@id": "http://example.org/a", "http://example.org/p": "x"}'),
                                    "remote contexts"),
    "JSON-LD nested 100,000 deep": ("deep.jsonld", ('{"@id": "http://example.org/a", "http://example.org/p": '
                                                    + '{"http://example.org/p": ' * 100_000 + "1" + "}" * 100_001),
                                    "Max stack size"),
    "a 20 MB literal": ("huge.nt", '<http://example.org/a> <http://example.org/p> "' + "x" * 20_000_000 + '" .\n',
                        "Reached the buffer maximal size"),
    "an IRI that RFC 3987 forbids": ("iri.ttl", "@prefix e: <http://example.org/> .\ne:a e:p e:b\U000E01EF .\n",
                                     "is not a valid IRI"),
    "a NUL in an IRI": ("nul.nt", "<http://example.org/a\\u0000> <http://example.org/p> 1 .\n", "invalid N-Triples"),
}


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("hostile")
    data = directory / "kept.ttl"
    data.write_text('<http://example.org/kept> <http://example.org/p> "kept" .\n')
    load_into(resolve_location(str(directory / "store")), [data])
    return directory / "store"


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_file_is_refused_or_bounded_and_reads_nothing_else(case: str, small_store: Path,
                                                                     tmp_path: Path, listener: Listener):
    name, text, message = CASES[case]
    path = tmp_path / name
    path.write_text(text.replace("{url}", listener.url), encoding="utf-8")
    store = small_store
    if message is None:  # it loads: into a store of its own
        store = tmp_path / "store"
        shutil.copytree(small_store, store, symlinks=True)
    before = content(store)
    started = time.monotonic()
    done = subprocess.run(check=False, args=[KG, "load", str(path), "--store", str(store)], capture_output=True, text=True,
                          timeout=60)
    elapsed = time.monotonic() - started
    assert elapsed < SECONDS, f"{case}: took {elapsed:.1f} s"
    if message is None:
        assert done.returncode == 0, done.stderr
        assert content(store) != before
    else:
        assert done.returncode == 1
        line = one_error_line(done.stderr)
        assert line.startswith(f"kg: error: {path}"), line
        assert message in line, line
        assert content(store) == before
    assert listener.accepted == [], "the file made kg open a connection"
    if PASSWD.exists():
        secret = PASSWD.read_text(errors="replace").splitlines()[0]
        exported = subprocess.run(check=False, args=[KG, "export", "--format", "nquads", "--store", str(store)],
                                  capture_output=True, text=True, timeout=60)
        assert secret not in done.stdout + done.stderr + exported.stdout


def test_entity_namespaces_expand_as_declared(tmp_path: Path):
    path = tmp_path / "owl-style.rdf"
    path.write_text(CASES["entities for namespaces (as ontology editors write)"][1])
    files = load_into(resolve_location(str(tmp_path / "store")), [path])
    from kg.store import open_store

    quads = list(open_store(str(tmp_path / "store")).quads(files[0].graph))
    assert [(q.subject.value, q.predicate.value, q.object.value) for q in quads] == [
        ("http://example.org/a", "http://example.org/p", "http://example.org/b")]


@pytest.mark.xfail(strict=True, reason="Oxigraph's RDF/XML reader takes time quadratic in the nesting depth "
                   "(8,000 levels: 0.5 s; 100,000 levels: over a minute); kg does not bound the depth yet")
def test_deeply_nested_rdfxml_loads_within_seconds(tmp_path: Path):
    depth = 100_000
    path = tmp_path / "deep.rdf"
    path.write_text('<?xml version="1.0"?>\n' + RDF_OPEN + '<rdf:Description rdf:about="http://example.org/a">'
                    + "<e:p><rdf:Description>" * depth + "</rdf:Description></e:p>" * depth
                    + "</rdf:Description></rdf:RDF>\n")
    try:
        done = subprocess.run(check=False, args=[KG, "load", str(path), "--store", "memory"], capture_output=True, text=True,
                              timeout=SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"kg load of {depth} nested RDF/XML elements ran for more than {SECONDS} s")
    assert done.returncode in (0, 1)
