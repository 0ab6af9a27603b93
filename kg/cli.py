"""The ``kg`` command line: parses arguments, calls the library, formats the output.

Nothing here does the work itself; every command is a thin layer over a ``kg.*`` function.
Modules are imported inside the commands, so that a command pays only for what it uses.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import click

from kg import __version__
from kg.errors import KgError

STORE_HELP = "store: a directory, 'memory', or a SPARQL endpoint URL (env KG_STORE; default: a per-user store)"


def _note(message: str) -> None:
    click.echo(message, err=True)


def store_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """The ``--store`` option every command that reads or writes the graph takes."""
    return click.option("--store", "store", envvar="KG_STORE", default=None, metavar="LOCATION",
                        help=STORE_HELP)(function)


def _open(location: str | None):
    from kg.store import open_store

    return open_store(location, note=_note)


def _default_table_format() -> str:
    return "table" if sys.stdout.isatty() else "csv"


def _dataset_info() -> str:
    import tomllib

    from kg.resources import data_dir

    try:
        info = tomllib.loads((data_dir() / "dataset.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return "dataset: unknown"
    return f"dataset {info.get('version', '?')}, current as of {info.get('current_as_of', '?')}"


class KgGroup(click.Group):
    """Runs commands with one readable error line instead of a traceback (unless ``--debug``)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # The reader went away (e.g. `| head`): stop quietly.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(1)
        except KgError as error:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"kg: error: {error}", err=True)
            ctx.exit(error.exit_code)
        except (OSError, MemoryError) as error:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"kg: error: {error}", err=True)
            ctx.exit(1)


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", message=f"kg %(version)s ({_dataset_info()})")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """A knowledge graph of international alignments: who is aligned with whom, since when,
    on what, and says who.

    \b
    Example:
      kg build
      kg query members -p org NATO --at 2024-04-05
      kg export -o alignments.ttl && kg viz -o alignments.html
    """
    ctx.obj = {"debug": debug}


@main.command()
@click.option("--data", "data_dirs", multiple=True, type=click.Path(file_okay=False),
              help="An extra directory of tables in the curated format (repeatable).")
@click.option("--no-validate", is_flag=True, help="Skip the SHACL validation (not recommended).")
@store_option
def build(data_dirs: tuple[str, ...], no_validate: bool, store: str | None) -> None:
    """Build the ontology and the curated data into the store, validated and atomically.

    Only the graphs the build owns are replaced; loaded and imported graphs stay. A failed
    build leaves the previous store as it was.

    \b
    Example:
      kg build --store ./kg-store
    """
    from pathlib import Path

    from kg.build import build as run_build
    from kg.stats import store_stats
    from kg.store import resolve_location

    location = resolve_location(store)
    result = run_build(location, data_dirs=[Path(d) for d in data_dirs], validate=not no_validate)
    opened = result if result is not None else _open(str(location.path))
    stats = store_stats(opened)
    _note(f"built {location}: {stats.triples} triples in {len(stats.graphs)} graphs "
          f"(dataset {stats.dataset_version}, current as of {stats.current_as_of})")


def _parse_params(params: tuple[tuple[str, str], ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in params:
        if name in values:
            raise click.UsageError(f"parameter {name!r} given twice")
        values[name] = value
    return values


@main.command()
@click.argument("query_text", metavar="QUERY")
@click.option("-p", "--param", "params", multiple=True, nargs=2, metavar="NAME VALUE",
              help="A query parameter (repeatable), e.g. -p org NATO.")
@click.option("--at", default=None, metavar="DATE", help="Shortcut for -p at DATE (YYYY-MM-DD, YYYY-MM or YYYY).")
@click.option("--format", "fmt", default=None,
              type=click.Choice(["table", "csv", "tsv", "json", "jsonl", "markdown",
                                 "turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml"]),
              help="Output format (default: table on a terminal, csv otherwise; Turtle for CONSTRUCT).")
@click.option("--allow-update", is_flag=True, help="Allow SPARQL updates.")
@click.option("--allow-network", is_flag=True, help="Allow SERVICE, LOAD and FROM <url> (network access).")
@store_option
def query(query_text: str, params: tuple[tuple[str, str], ...], at: str | None, fmt: str | None,
          allow_update: bool, allow_network: bool, store: str | None) -> None:
    """Run a catalogue query by name, a .rq file, '-' (stdin) or SPARQL text.

    \b
    Examples:
      kg query members -p org NATO -p at 2024-04-05 --format csv
      kg query partnerships -p state NZL
      kg query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
    """
    from kg.formats import TABULAR_FORMATS, write_rows
    from kg.query import run_query

    if query_text == "-":
        query_text = sys.stdin.read()
    values = _parse_params(params)
    if at is not None and "at" in values:
        raise click.UsageError("give the date once: --at or -p at")
    opened = _open(store)
    result = run_query(opened, query_text, values, at=at, allow_update=allow_update,
                       allow_network=allow_network)
    if result.kind == "ask":
        click.echo("true" if result.boolean else "false")
    elif result.kind == "graph":
        import pyoxigraph as ox

        from kg.rdfio import rdf_format
        from kg.vocab import PREFIXES

        syntax = rdf_format(fmt if fmt and fmt not in TABULAR_FORMATS else "turtle")
        if syntax.supports_datasets:
            raise click.UsageError("CONSTRUCT and DESCRIBE give triples: choose a triple syntax")
        sys.stdout.buffer.write(ox.serialize(result.triples, format=syntax, prefixes=PREFIXES))
    else:
        if fmt is not None and fmt not in TABULAR_FORMATS:
            raise click.UsageError(f"--format {fmt} is for CONSTRUCT and DESCRIBE results")
        write_rows(sys.stdout, result.columns, result.rows, fmt or _default_table_format())


@main.command()
@click.option("--format", "fmt", default=None,
              type=click.Choice(["table", "csv", "tsv", "json", "jsonl", "markdown"]),
              help="Output format (default: table on a terminal, csv otherwise).")
def queries(fmt: str | None) -> None:
    """List the query catalogue: name, summary and parameters.

    \b
    Example:
      kg queries --format markdown
    """
    from kg.catalogue import catalogue
    from kg.formats import write_rows

    rows = [[entry.name, entry.summary, ", ".join(p.describe() for p in entry.parameters)]
            for entry in catalogue().values()]
    write_rows(sys.stdout, ["name", "summary", "parameters"], rows, fmt or _default_table_format())


@main.command()
@click.option("--format", "fmt", default=None,
              type=click.Choice(["turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml"]),
              help="RDF syntax (default: from the file extension, else Turtle).")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False),
              help="Write to this file instead of standard output.")
@store_option
def export(fmt: str | None, output: str | None, store: str | None) -> None:
    """Export the whole graph. N-Quads and TriG keep the named graphs; the triple syntaxes give
    their union. The same graph always gives the same bytes.

    \b
    Examples:
      kg export -o alignments.ttl
      kg export --format nquads > alignments.nq
    """
    from kg.rdfio import export as run_export
    from kg.rdfio import rdf_format

    syntax = rdf_format(fmt, output)
    opened = _open(store)
    if output is None:
        run_export(opened, sys.stdout.buffer, syntax)
        return
    temporary = f"{output}.part-{os.getpid()}"
    try:
        with open(temporary, "wb") as handle:
            run_export(opened, handle, syntax)
        os.replace(temporary, output)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    _note(f"wrote {output}")


@main.command()
@click.option("-o", "--output", default="alignments.html", show_default=True,
              type=click.Path(dir_okay=False), help="The HTML file to write.")
@click.option("--focus", default=None, metavar="CODE", help="Show only the neighbourhood of this state or organisation.")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(0, 10),
              help="How many edges away from --focus to go.")
@click.option("--org", "orgs", multiple=True, metavar="CODE", help="Keep only edges touching this organisation (repeatable).")
@click.option("--at", default=None, metavar="DATE", help="Show the graph as of this date (default: the whole history).")
@store_option
def viz(output: str, focus: str | None, depth: int, orgs: tuple[str, ...], at: str | None,
        store: str | None) -> None:
    """Write a self-contained interactive HTML graph (works offline: no CDN).

    \b
    Examples:
      kg viz -o alignments.html
      kg viz --focus NZL --depth 2 -o nz.html
    """
    from kg.network import alignment_network, ego_network, restrict_to_orgs
    from kg.viz import write_html

    graph = alignment_network(_open(store), at=at)
    if orgs:
        graph = restrict_to_orgs(graph, list(orgs))
    title = "International alignments"
    if focus:
        graph = ego_network(graph, focus, depth)
        title += f": {focus} (depth {depth})"
    write_html(graph, output, title=title)
    _note(f"wrote {output}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")


@main.command()
@click.option("--format", "fmt", default=None,
              type=click.Choice(["table", "csv", "tsv", "json", "jsonl", "markdown"]),
              help="Output format (default: table on a terminal, csv otherwise).")
@store_option
def stats(fmt: str | None, store: str | None) -> None:
    """Counts per class and per named graph, sourced facts, the dataset version and date.

    \b
    Example:
      kg stats --format markdown
    """
    from kg.formats import write_rows
    from kg.stats import store_stats

    s = store_stats(_open(store))
    rows: list[list[Any]] = [
        ["dataset", "version", s.dataset_version],
        ["dataset", "current as of", s.current_as_of],
        ["store", "triples", s.triples],
        ["facts", "facts", s.facts],
        ["facts", "with a source", s.sourced_facts],
        ["facts", "dated", s.dated],
        ["facts", "dated to the day", s.day_precision],
    ]
    rows += [["class", name, count] for name, count in sorted(s.classes.items())]
    rows += [["graph", graph, count] for graph, count in s.graphs]
    write_rows(sys.stdout, ["group", "name", "count"], rows, fmt or _default_table_format())


@main.command()
@click.option("--data", "data_dirs", multiple=True, type=click.Path(file_okay=False),
              help="An extra directory of tables in the curated format (repeatable).")
@click.option("--store", "store", default=None, metavar="LOCATION",
              help="Validate what is in this store instead of the tables.")
def validate(data_dirs: tuple[str, ...], store: str | None) -> None:
    """Check the curated tables (and extra table directories), or a store, against the
    ontology's SHACL shapes and check queries.

    Exits 1 with a report grouped by file and row when anything fails; changes no store.

    \b
    Examples:
      kg validate --data ./my-tables
      kg validate --store ./kg-store
    """
    from pathlib import Path

    if store is not None:
        from kg.errors import ValidationError
        from kg.validate import format_report, validate_store

        problems = validate_store(_open(store))
        if problems:
            raise ValidationError(format_report(problems))
    else:
        from kg.build import build as run_build

        run_build("memory", data_dirs=[Path(d) for d in data_dirs], validate=True)
    click.echo("valid")


@main.group()
def ontology() -> None:
    """The ontology: its human-readable reference and its normalised Turtle files.

    \b
    Example:
      kg ontology reference -o docs/ontology.md
    """


@ontology.command()
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False),
              help="Write to this file instead of standard output.")
def reference(output: str | None) -> None:
    """Write the reference of the ontology (Markdown): every class and property with label,
    comment and an example from the packaged data, the vocabularies and example questions.

    \b
    Example:
      kg ontology reference -o docs/ontology.md
    """
    from kg.build import build as run_build
    from kg.reference import render_reference

    text = render_reference(run_build("memory", validate=False))
    if output is None:
        click.echo(text, nl=False)
    else:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
        _note(f"wrote {output}")


@ontology.command()
@click.option("--check", is_flag=True, help="Only check; exit 1 if a file is not normalised.")
def normalise(check: bool) -> None:
    """Rewrite ontology/*.ttl in their one normalised serialisation (sorted Turtle).

    \b
    Example:
      kg ontology normalise --check
    """
    from kg.reference import normalised_turtle, ontology_files

    stale = []
    for path in ontology_files():
        text = normalised_turtle(path)
        if path.read_text(encoding="utf-8") != text:
            stale.append(path)
            if not check:
                path.write_text(text, encoding="utf-8")
    for path in stale:
        _note(f"{'not normalised' if check else 'normalised'}: {path}")
    if check and stale:
        raise KgError(f"{len(stale)} ontology file(s) not normalised: run `kg ontology normalise`")


if __name__ == "__main__":  # pragma: no cover
    main()
