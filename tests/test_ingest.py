"""``kg ingest``: from a news article to sourced candidate facts.

The seed article's facts are stated here from the article's text (``../shared/seeds``), not from
what the extractor or the graph holds; the evaluation set is ``tests/ingest/`` (see its
``evaluate.py``).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from conftest import shared_path
from kg.cli import main
from kg.errors import DataError
from kg.ingest import ingest, load_article
from kg.ingest.article import read_article

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "ingest"))

import evaluate  # noqa: E402

#: What the seed article states (read in its text), as (kind, subject, object, detail, date).
SEED_FACTS = [
    ("partnership", "NZL", "NATO", "ITPP negotiating", "2023-06"),   # "Negotiations began in June of 2023"
    ("partnership-topic", "NZL", "NATO", "CLIMATE-SECURITY", ""),    # "climate change,
    ("partnership-topic", "NZL", "NATO", "CYBER-SECURITY", ""),      #  cyber security,
    ("partnership-topic", "NZL", "NATO", "RULES-BASED-ORDER", ""),   #  and the international rules-based order"
    ("partnership", "NZL", "NATO", "active", "2012"),                # "a NATO partner since 2012"
    ("partnership", "NZL", "NATO", "DIALOGUE active", "2001"),       # "dialogue and cooperation ... since 2001"
    ("partnership", "AUS", "NATO", "active", ""),                    # "partners in the Indo-Pacific region
    ("partnership", "JPN", "NATO", "active", ""),                    #  along with Australia, Japan,
    ("partnership", "KOR", "NATO", "active", ""),                    #  and the Republic of Korea"
    ("participation", "NZL", "NATO", "NATO-SUMMIT-2022-MADRID", "2022-06"),  # "in June 2022, at Madrid"
    ("stance", "NZL", "UKR", "support", ""),                         # "support for Ukraine"
]


@pytest.fixture(scope="module")
def seed_rows(runner_module, store_module):
    seed = shared_path("seeds", "000_f514365add965c11.txt")
    result = runner_module.invoke(main, ["ingest", str(seed), "--published", "2024-04", "--format", "csv",
                                         "--store", str(store_module)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.fixture(scope="module")
def runner_module():
    from click.testing import CliRunner

    return CliRunner()


@pytest.fixture(scope="module")
def store_module(tmp_path_factory):
    from kg.build import build

    path = tmp_path_factory.mktemp("ingest") / "store"
    build(str(path))
    return path


def test_the_seed_article_gives_its_facts_each_confirmed_with_its_sentence(seed_rows):
    assert list(seed_rows[0]) == ["kind", "subject", "object", "detail", "date", "evidence", "confidence",
                                  "against_graph"]
    got = {(r["kind"], r["subject"], r["object"], r["detail"], r["date"]): r for r in seed_rows}
    for fact in SEED_FACTS:
        assert fact in got, fact
        row = got[fact]
        assert row["against_graph"] == "confirms", (fact, row)
        assert row["evidence"] and row["evidence"].endswith((".", '"')), row
        assert 0 < float(row["confidence"]) <= 1
    # the sentence of the first fact is the one that says it
    assert got[SEED_FACTS[0]]["evidence"].startswith("Negotiations began in June of 2023")


def test_hedged_futures_invent_no_date(store_module):
    from kg.store import open_store

    store = open_store(str(store_module))
    article = read_article(b"Serbia will join NATO in the coming months, officials said.")
    article = type(article)(text=article.text, published="2024-04-05")
    candidates = ingest(store, article).candidates
    assert [(c.kind, c.subject, c.object, c.detail, c.date) for c in candidates] == [
        ("membership", "SRB", "NATO", "prospective", "")]


def test_relative_dates_resolve_against_the_publication_day(store_module):
    from kg.store import open_store

    store = open_store(str(store_module))
    article = read_article(b"Sweden joined NATO on Thursday. Finland joined the alliance in April last year.")
    article = type(article)(text=article.text, published="2024-03-08")
    got = {(c.subject, c.date, c.against_graph) for c in ingest(store, article).candidates}
    assert got == {("SWE", "2024-03-07", "confirms"), ("FIN", "2023-04", "confirms")}


def test_a_conflict_shows_the_graphs_version(store_module):
    from kg.store import open_store

    store = open_store(str(store_module))
    article = read_article(b"Sweden joined NATO in 2019.")
    [candidate] = ingest(store, article).candidates
    assert candidate.against_graph == "conflicts"
    assert "member from 2024-03-07" in candidate.graph


def test_html_gives_text_and_metadata(tmp_path, runner_module, store_module):
    page = tmp_path / "a.html"
    page.write_text(
        "<!doctype html><html><head><title>Ignored when og:title exists</title>"
        "<meta property='og:title' content='Timor-Leste joins ASEAN'>"
        "<meta property='og:site_name' content='Example News'>"
        "<meta property='article:published_time' content='2025-10-26T08:00:00+07:00'>"
        "<script>var x = 'NATO admitted Mars';</script></head><body><nav>Menu: NATO, EU</nav>"
        "<p>Timor-Leste was formally admitted to the Association of Southeast Asian Nations on Sunday.</p>"
        "</body></html>", encoding="utf-8")
    article = load_article(str(page))
    assert (article.title, article.publisher, article.published) == (
        "Timor-Leste joins ASEAN", "Example News", "2025-10-26")
    assert "Mars" not in article.text and "Menu" not in article.text
    result = runner_module.invoke(main, ["ingest", str(page), "--format", "json", "--store", str(store_module)])
    rows = json.loads(result.stdout)
    assert [(r["kind"], r["subject"], r["object"], r["date"], r["against_graph"]) for r in rows] == [
        ("membership", "TLS", "ASEAN", "2025-10-26", "confirms")]


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the article is empty"),
    (b"   \n\n", "the article is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ("NATO a accueilli la Su\u00e8de.".encode("latin-1"), "not UTF-8 text"),
])
def test_bad_input_is_one_line_naming_the_file(tmp_path, runner_module, store_module, content, message):
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    result = runner_module.invoke(main, ["ingest", str(path), "--store", str(store_module)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr and str(path) in result.stderr
    assert "Traceback" not in result.stderr


def test_an_article_with_no_actor_gives_an_empty_result_and_a_note(tmp_path, runner_module, store_module):
    path = tmp_path / "weather.txt"
    path.write_text("It rained all day in the valley, and the river rose by a metre.", encoding="utf-8")
    result = runner_module.invoke(main, ["ingest", str(path), "--format", "csv", "--published", "2024-01-01",
                                         "--store", str(store_module)])
    assert result.exit_code == 0
    assert result.stdout == "kind,subject,object,detail,date,evidence,confidence,against_graph\n"
    assert "no state or organisation of the graph is named" in result.stderr


def test_to_tables_writes_rows_that_validate_and_build(tmp_path, runner_module, store_module):
    path = tmp_path / "a.txt"
    path.write_text("Mongolia became a partner country of BRICS on 5 May 2026. Nigeria joined the Quad "
                    "on 2 June 2026. Chile has imposed sanctions on Russia since 2023.", encoding="utf-8")
    tables = tmp_path / "tables"
    result = runner_module.invoke(main, ["ingest", str(path), "--published", "2026-06-03", "--publisher",
                                         "Example News", "--title", "Three changes", "--to-tables", str(tables),
                                         "--format", "csv", "--store", str(store_module)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {(r["kind"], r["subject"], r["object"], r["detail"], r["date"], r["against_graph"]) for r in rows} == {
        ("membership", "MNG", "BRICS", "partner", "2026-05-05", "new"),
        ("membership", "NGA", "QUAD", "", "2026-06-02", "new"),
        ("stance", "CHL", "RUS", "sanctions", "2023", "new")}
    assert (tables / "sources.csv").read_text(encoding="utf-8").count("Example News") == 1
    assert runner_module.invoke(main, ["validate", "--data", str(tables)]).exit_code == 0
    built = tmp_path / "built"
    result = runner_module.invoke(main, ["build", "--data", str(tables), "--store", str(built)])
    assert result.exit_code == 0, result.output
    members = runner_module.invoke(main, ["query", "members", "-p", "org", "QUAD", "--format", "csv",
                                          "--store", str(built)]).stdout
    assert "NGA,Nigeria,member,2026-06-02," in members


def test_precision_and_recall_on_the_evaluation_set(store_module):
    from kg.store import open_store

    scores = evaluate.evaluate(open_store(str(store_module)))
    assert scores.precision() >= 0.8, evaluate.report(scores)
    assert scores.recall() >= 0.6, evaluate.report(scores)


def test_the_help_has_an_example(runner_module):
    result = runner_module.invoke(main, ["ingest", "--help"])
    assert "Examples:" in result.output and "kg ingest" in result.output


def test_standard_input_and_output_file(tmp_path, runner_module, store_module):
    out = tmp_path / "candidates.csv"
    result = runner_module.invoke(main, ["ingest", "-", "--published", "2024-03-08", "--format", "csv", "-o",
                                         str(out), "--store", str(store_module)],
                                  input="Sweden joined NATO on Thursday.")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["subject"], r["object"], r["date"], r["against_graph"]) for r in rows] == [
        ("SWE", "NATO", "2024-03-07", "confirms")]
