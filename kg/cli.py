"""The ``kg`` command line: parses arguments, calls the library, formats the output.

Nothing here does the work itself; every command is a thin layer over a ``kg.*`` function.
Modules are imported inside the commands, so that a command pays only for what it uses.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

import click

from kg.errors import KgError
from kg.formats import TABULAR_FORMATS
from kg.version import __version__

if TYPE_CHECKING:
    from kg.table import Tabular

#: The RDF syntaxes of ``--format`` (the names of :data:`kg.rdfio.RDF_FORMATS`, spelt out here so
#: that ``--help`` does not load the RDF engine).
RDF_SYNTAXES = ("turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml")
STORE_HELP = "store: a directory, 'memory', or a SPARQL endpoint URL (env KG_STORE; default: a per-user store)"


def _note(message: str) -> None:
    click.echo(message, err=True)


@contextmanager
def _saying_day(store: Any, at: str | None, *, last_year: int | None = None) -> Iterator[None]:
    """Once the answer is out, say on stderr which day it is for when it was defaulted, and warn
    when the day (or ``last_year``'s end) is after the data's "current as of" day. Nothing is
    said when the command fails: its error stays the one line it prints."""
    from kg.coverage import date_notes
    from kg.network import resolve_day
    from kg.query import current_as_of, earliest_day

    current = current_as_of(store)
    earliest = earliest_day(store)
    if last_year is not None:
        notes = date_notes(f"{last_year:04d}-12-31", defaulted=False, current=current, earliest=earliest)
    else:
        notes = date_notes(resolve_day(store, at).isoformat(), defaulted=at is None, current=current,
                           earliest=earliest)
    yield
    for note in notes:
        _note(note)


def store_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """The ``--store`` option every command that reads or writes the graph takes."""
    return click.option("--store", "store", envvar="KG_STORE", default=None, metavar="LOCATION",
                        help=STORE_HELP)(function)


def excel_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--excel``: CSV (or TSV) with a UTF-8 byte-order mark, for spreadsheet programs."""
    return click.option("--excel", is_flag=True,
                        help="Start the CSV with a UTF-8 byte-order mark, so that Excel reads "
                             "accented names right (implies --format csv).")(function)


def file_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """``-o FILE`` (written atomically; the format from its extension) and ``--excel``."""
    function = excel_option(function)
    return click.option("-o", "--output", default=None, type=click.Path(dir_okay=False),
                        help="Write to this file (atomically) instead of standard output; "
                             "the format from its extension (.csv, .tsv, .json, .jsonl, .md) "
                             "unless --format.")(function)


def output_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The options of every command that writes a table (:func:`_write_table`): ``--format``,
    one of the tabular formats of :mod:`kg.formats`, and :func:`file_options`."""
    function = file_options(function)
    return click.option("--format", "fmt", default=None, type=click.Choice(TABULAR_FORMATS),
                        help="Output format (default: table on a terminal, csv otherwise).")(function)


def remote_write_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--update-url`` and ``--gsp-url``: where a command that writes sends a remote store's
    updates and uploads (defaults: the query URL with /query replaced by /update, /store)."""
    function = click.option("--gsp-url", "gsp_url", envvar="KG_GSP_URL", default=None, metavar="URL",
                            help="Graph Store Protocol endpoint of a remote store (env KG_GSP_URL).")(function)
    return click.option("--update-url", "update_url", envvar="KG_UPDATE_URL", default=None, metavar="URL",
                        help="SPARQL Update endpoint of a remote store (env KG_UPDATE_URL).")(function)


def _open(location: str | None):
    from kg.api import open_store

    return open_store(location, note=_note)


@contextmanager
def _store_to_write(store: str | None, update_url: str | None, gsp_url: str | None) -> Iterator[Any]:
    """The store that ``kg load`` and ``kg import`` add to, opened as the contract says (built on
    first use where it is the per-user store; a missing directory is an empty store, which the
    write creates), and closed after the write."""
    from kg.api import open_store
    from kg.stores.base import resolve_location

    opened = open_store(resolve_location(store, update_url=update_url, gsp_url=gsp_url), note=_note, create=True)
    try:
        yield opened
    finally:
        opened.close()


def _named(store: Any, text: str | None, kinds: tuple[str, ...], option: str) -> str | None:
    """The code of the resource ``text`` names (a code in any case, a name, an ISO alpha-2
    code, a QID or an IRI; see :mod:`kg.names`), or ``None`` for ``None``."""
    if text is None:
        return None
    from kg.names import resolve_code

    return resolve_code(store, text, kinds, option=option)


def _complete(*what: str) -> Callable[..., Any]:
    """A ``shell_complete`` callback (kg.completion, imported only when completing): codes of
    the kinds ``what``, or the function of that name (``query_names``)."""
    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from kg import completion

        if len(what) == 1 and hasattr(completion, what[0]):
            return getattr(completion, what[0])(ctx, param, incomplete)
        return completion.complete_codes(what, incomplete)

    return complete


def _default_table_format() -> str:
    return "table" if sys.stdout.isatty() else "csv"


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """``kg --version``: the package's version and the shipped data's (read only when asked,
    not at every start)."""
    if not value or ctx.resilient_parsing:
        return
    click.echo(f"kg {__version__} ({_dataset_info()})")
    ctx.exit()


def _dataset_info() -> str:
    import tomllib

    from kg.resources import data_dir

    try:
        info = tomllib.loads((data_dir() / "dataset.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return "dataset: unknown"
    return f"dataset {info.get('version', '?')}, current as of {info.get('current_as_of', '?')}"


class _Seconds(click.ParamType):
    """A finite number of seconds, more than 0 and at most a year (``inf`` and ``nan`` refused)."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(number) or not 0 < number <= 31_536_000:
            self.fail(f"{value!r} is not a number of seconds between 0 and 31536000", param, ctx)
        return number


_SECONDS = _Seconds()


class _Source(click.ParamType):
    """The SOURCE of ``kg import``: the name of a registered importer (:mod:`kg.loaders.registry`)."""

    name = "source"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from kg.loaders.registry import importer_names

        names = importer_names()
        if value not in names:
            self.fail(f"{value!r} is not a registered importer: one of {', '.join(names)}", param, ctx)
        return value


class _ImportCommand(click.Command):
    """``kg import``, whose help lists the importers registered when it is shown."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from kg.loaders.registry import describe_importers

        with formatter.section("Sources (the registered importers)"):
            formatter.write_dl(describe_importers())
        super().format_epilog(ctx, formatter)


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
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and the shipped data's date, and exit.")
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
@click.option("--fresh", is_flag=True,
              help="Start from an empty store (drops loaded and imported graphs; recovers a broken store).")
@store_option
@remote_write_options
def build(data_dirs: tuple[str, ...], no_validate: bool, fresh: bool, store: str | None,
          update_url: str | None = None, gsp_url: str | None = None) -> None:
    """Build the ontology and the curated data into the store, validated and atomically.

    Only the graphs the build owns are replaced; loaded and imported graphs stay. A failed
    build leaves the previous store as it was.

    \b
    Examples:
      kg build --store ./kg-store
      kg build --store http://127.0.0.1:7878/query
    """
    from pathlib import Path

    from kg.api import open_store
    from kg.build import build as run_build
    from kg.stats import store_stats
    from kg.stores.base import resolve_location

    location = resolve_location(store, update_url=update_url, gsp_url=gsp_url)
    result = run_build(location, data_dirs=[Path(d) for d in data_dirs], validate=not no_validate,
                       fresh=fresh)
    opened = result if result is not None else open_store(location, note=_note)
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
@click.argument("query_text", metavar="QUERY", shell_complete=_complete("query_names"))
@click.option("-p", "--param", "params", multiple=True, nargs=2, metavar="NAME VALUE",
              shell_complete=_complete("query_parameters"),
              help="A query parameter (repeatable), e.g. -p org NATO.")
@click.option("--at", default=None, metavar="DATE", help="Shortcut for -p at DATE (YYYY-MM-DD, YYYY-MM or YYYY).")
@click.option("--format", "fmt", default=None,
              type=click.Choice([*TABULAR_FORMATS, *RDF_SYNTAXES]),
              help="Output format (default: table on a terminal, csv otherwise; Turtle for CONSTRUCT).")
@click.option("--allow-update", is_flag=True, help="Allow SPARQL updates.")
@click.option("--allow-network", is_flag=True, help="Allow SERVICE, LOAD and FROM <url> (network access).")
@click.option("--timeout", default=60.0, show_default=True, type=_SECONDS,
              metavar="SECONDS", help="Stop the query after this many seconds.")
@file_options
@store_option
def query(query_text: str, params: tuple[tuple[str, str], ...], at: str | None, fmt: str | None,
          allow_update: bool, allow_network: bool, store: str | None, timeout: float = 60.0,
          output: str | None = None, excel: bool = False) -> None:
    """Run a catalogue query by name, a .rq file, '-' (stdin) or SPARQL text.

    \b
    Examples:
      kg query members -p org NATO -p at 2024-04-05 --format csv
      kg query partnerships -p state "New Zealand"
      kg query memberships -p state TUR --excel -o memberships.csv
      kg query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
    """
    from kg.query import run_query

    if query_text == "-":
        query_text = sys.stdin.read()
    values = _parse_params(params)
    if at is not None and "at" in values:
        raise click.UsageError("give the date once: --at or -p at")
    if output is not None:
        from kg.output import check_target

        check_target(output)
    opened = _open(store)
    opened.one_shot = True  # the process ends after the query: no fork for a catalogue entry's deadline
    result = run_query(opened, query_text, values, at=at, allow_update=allow_update,
                       allow_network=allow_network, timeout=timeout)
    if excel and result.kind != "select":
        raise click.UsageError("--excel is for the rows of a SELECT query (CSV or TSV)")
    if result.kind == "ask":
        if output is not None:
            from kg.output import atomic_output

            with atomic_output(output, text=True) as handle:
                handle.write("true\n" if result.boolean else "false\n")
        else:
            click.echo("true" if result.boolean else "false")
    elif result.kind == "graph":
        import pyoxigraph as ox

        from kg.rdfio import rdf_format
        from kg.vocab import PREFIXES

        syntax = rdf_format(fmt if fmt and fmt not in TABULAR_FORMATS else "turtle")
        if syntax.supports_datasets:
            raise click.UsageError("CONSTRUCT and DESCRIBE give triples: choose a triple syntax")
        data = ox.serialize(result.triples, format=syntax, prefixes=PREFIXES) or b""
        if output is not None:
            from kg.output import atomic_output

            with atomic_output(output) as handle:
                handle.write(data)
        else:
            sys.stdout.buffer.write(data)
    else:
        if fmt is not None and fmt not in TABULAR_FORMATS:
            raise click.UsageError(f"--format {fmt} is for CONSTRUCT and DESCRIBE results")
        annotations = {"coverage": [n.as_dict() for n in result.coverage]} if result.coverage else None
        _write_table(result, fmt, output, excel, annotations=annotations, notes=False)
    for note in result.notes:
        click.echo(note, err=True)


@main.command()
@output_options
def queries(fmt: str | None, output: str | None = None, excel: bool = False) -> None:
    """List the query catalogue: name, summary and parameters.

    \b
    Example:
      kg queries --format markdown
    """
    from kg.catalogue import catalogue
    from kg.table import Table

    rows = [[entry.name, entry.summary, ", ".join(p.describe() for p in entry.parameters)]
            for entry in catalogue().values()]
    _write_table(Table(["name", "summary", "parameters"], rows), fmt, output, excel)


@main.command()
@click.option("--format", "fmt", default=None,
              type=click.Choice(RDF_SYNTAXES),
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
    if output is not None:
        from kg.output import check_target

        check_target(output)
    opened = _open(store)
    if output is None:
        run_export(opened, sys.stdout.buffer, syntax)
        return
    from kg.output import atomic_output

    with atomic_output(output) as handle:
        run_export(opened, handle, syntax)
    _note(f"wrote {output}")


@main.command()
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False),
              help="The file to write (default: alignments.html, or alignments.png/.svg).")
@click.option("--format", "fmt", default=None, type=click.Choice(["html", "png", "svg"]),
              help="html: the interactive page (default); png, svg: a static picture "
                   "(default: from the -o extension).")
@click.option("--focus", "foci", multiple=True, metavar="CODE", shell_complete=_complete("state", "org"),
              help="Show only the neighbourhood of this state or organisation, highlighted "
                   "(repeatable; a code or a name).")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(0, 10),
              help="How many edges away from --focus to go (not through universal "
                   "organisations such as the UN).")
@click.option("--org", "orgs", multiple=True, metavar="CODE", shell_complete=_complete("org"),
              help="Keep only edges touching this organisation (repeatable; a code or a name).")
@click.option("--at", default=None, metavar="DATE", help="Show the graph as of this date (default: the whole history).")
@store_option
def viz(output: str | None, fmt: str | None, foci: tuple[str, ...], depth: int, orgs: tuple[str, ...],
        at: str | None, store: str | None) -> None:
    """Write a self-contained interactive HTML graph (works offline: no CDN), or a picture.

    The page has a legend, a search box, filters by link kind and by node kind, and a year
    slider; above a few hundred nodes the positions are computed beforehand (seeded), so that
    the whole world opens within seconds. --format png/svg draws the same graph with matplotlib.
    A store too large for a readable picture of all of it (more than 20,000 links) is refused
    without --focus or --org.

    The focused nodes are ringed in red and always labelled; other labels appear as you zoom
    in (larger nodes first). Clicking a node or a link opens its details with dated roles and
    linked sources. Links without a date are not drawn as if in force every year: a box shows
    them, grey and dotted. The day or year shown is written over the drawing.

    \b
    Examples:
      kg viz -o alignments.html
      kg viz --focus NZL --focus AUS --depth 1 -o nz-aus.html
      kg viz --focus "New Zealand" --depth 2 --format png -o docs/nz.png
    """
    from kg.names import resolve
    from kg.network import alignment_network, network_around, node_keys, resolve_day

    if fmt is None:
        suffix = os.path.splitext(output or "")[1].lower().lstrip(".")
        fmt = suffix if suffix in ("png", "svg") else "html"
    output = output or f"alignments.{fmt}"
    from kg.output import check_target

    check_target(output)  # before the work: a link or a FIFO is refused at once
    opened = _open(store)
    if not foci and not orgs:
        from kg.vizsize import check_drawable

        check_drawable(opened)  # a page too large to read: refused before reading it
    with _saying_day(opened, at) if at is not None else nullcontext():
        org_entries = [resolve(opened, o, ("org",), option="--org") for o in orgs]
        focus_entries = [resolve(opened, f, ("member",), option="--focus") for f in foci]
        keys = node_keys(opened, [(e.iri, e.code) for e in org_entries + focus_entries])
        org_keys, focus = keys[:len(org_entries)], keys[len(org_entries):]
        if focus or org_keys:
            # Read from the nodes asked for, not the whole store (the same graph).
            graph = network_around(opened, focus=focus, depth=depth, orgs=org_keys, at=at)
        else:
            graph = alignment_network(opened, at=at)
        title = "International alignments"
        if focus:
            title += f": {', '.join(f.split('@', 1)[0] for f in focus)} (depth {depth})"
        if at:
            title += f", as of {at}"
        if fmt == "html":
            from kg.citations import source_details
            from kg.viz import write_html

            as_of = resolve_day(opened, at).isoformat() if at else None
            from kg.query import current_as_of

            current = current_as_of(opened)
            write_html(graph, output, title=title, focus=focus, as_of=as_of,
                       sources=source_details(opened), until=int(current[:4]) if current else None)
        else:
            from kg.viz import write_picture

            write_picture(graph, output, fmt=fmt, title=title, highlight=focus)
        _note(f"wrote {output}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")


_SUFFIX_FORMATS = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl",
                   ".ndjson": "jsonl", ".md": "markdown", ".markdown": "markdown", ".txt": "table"}


def _table_format(fmt: str | None, output: str | None, excel: bool) -> str:
    """The tabular format: ``--format``, else from the -o extension (csv when unknown), else
    table on a terminal and csv otherwise; ``--excel`` is for csv and tsv only."""
    if fmt is None:
        if output is not None:
            fmt = _SUFFIX_FORMATS.get(os.path.splitext(output)[1].lower(), "csv")
        else:
            fmt = "csv" if excel else _default_table_format()
    if excel and fmt not in ("csv", "tsv"):
        raise click.UsageError(f"--excel adds a byte-order mark to csv or tsv, not to {fmt}")
    return fmt


def _write_table(table: Tabular, fmt: str | None, output: str | None = None, excel: bool = False, *,
                 annotations: dict[str, Any] | None = None, notes: bool = True) -> None:
    """Write a table (:class:`kg.table.Tabular`) to stdout or, atomically, to ``output``, in
    the format of ``--format``, ``-o`` or the terminal (:func:`_table_format`); its notes first,
    to stderr, unless not ``notes``. ``excel``: a UTF-8 byte-order mark first, so that
    spreadsheet programs read the text as UTF-8 ("Türkiye", not "TÃ¼rkiye")."""
    if notes:
        for message in table.notes:
            _note(message)
    chosen = _table_format(fmt, output, excel)
    if output is None:
        if excel:
            sys.stdout.write("\ufeff")
        table.write(sys.stdout, chosen, annotations=annotations)
        return
    from kg.output import atomic_output

    with atomic_output(output, text=True, newline="", encoding="utf-8-sig" if excel else "utf-8") as handle:
        count = table.write(handle, chosen, annotations=annotations)
    _note(f"wrote {output}: {count} rows")


@main.command()
@click.option("--projection", default="all", show_default=True,
              type=click.Choice(["all", "memberships", "partnerships", "alignment"]),
              help="all: memberships, partnerships and stances; memberships: the bipartite "
                   "member-organisation graph; partnerships; alignment: the weighted "
                   "state-state graph of shared commitments.")
@click.option("--at", default=None, metavar="DATE", help="The day (default: the dataset's 'current as of' day).")
@click.option("--format", "fmt", default=None, type=click.Choice(["graphml", "gexf", "json"]),
              help="graphml (default), gexf or node-link json; default from the -o extension.")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False),
              help="Write to this file instead of standard output.")
@store_option
def network(projection: str, at: str | None, fmt: str | None, output: str | None,
            store: str | None) -> None:
    """Export a NetworkX projection of the graph as of a day, for Gephi, Cytoscape and igraph.

    GraphML and GEXF keep every node and edge attribute (codes, names, kinds, roles, dates,
    sources), with "" for a missing value; json is NetworkX's node-link format.

    \b
    Examples:
      kg network --at 2024-04-05 -o alignments.graphml
      kg network --projection alignment --at 1990 --format gexf -o 1990.gexf
    """
    from kg.network import projection as project
    from kg.network import write_graph

    if fmt is None:
        suffix = os.path.splitext(output or "")[1].lower().lstrip(".")
        fmt = suffix if suffix in ("graphml", "gexf", "json") else "graphml"
    from kg.output import atomic_output, check_target

    if output is not None:
        check_target(output)
    opened = _open(store)
    with _saying_day(opened, at):
        graph = project(opened, projection, at=at)
        if output is None:
            write_graph(graph, sys.stdout.buffer, fmt)
            return
        with atomic_output(output) as handle:
            write_graph(graph, handle, fmt)
        _note(f"wrote {output}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges "
              f"({projection}, {graph.graph['at']})")


@main.command()
@click.argument("states", nargs=-1, metavar="[A B]", shell_complete=_complete("state"))
@click.option("--all", "every", is_flag=True, help="Every pair of states in existence (instead of A B).")
@click.option("--at", default=None, metavar="DATE", help="One day (default: the dataset's 'current as of' day).")
@click.option("--from", "first", default=None, type=click.IntRange(1, 9999), metavar="YEAR",
              help="First year (each year as of 31 December).")
@click.option("--to", "last", default=None, type=click.IntRange(1, 9999), metavar="YEAR",
              help="Last year (inclusive).")
@click.option("--metric", default="absolute", show_default=True, type=click.Choice(["absolute", "squared"]),
              help="Distance between tie levels, for both scores.")
@output_options
@store_option
def align(states: tuple[str, ...], every: bool, at: str | None, first: int | None,
          last: int | None, metric: str, fmt: str | None, output: str | None,
          store: str | None, excel: bool = False) -> None:
    """Alignment of states: S-score and Cohen's kappa of their alliance portfolios.

    A state's portfolio is its tie level to every state in existence (3 defence pact, 2
    neutrality or non-aggression, 1 consultation or entente, 0 none; 3 to itself), from the
    commitments it shares through organisations; a year is taken on 31 December. S = 1 - 2d/dmax
    (Signorino and Ritter 1999); kappa is Cohen's weighted kappa (Häge 2011). Scores have 4
    decimals; see docs/analysis.md.

    \b
    Examples:
      kg align NZL AUS --from 2000 --to 2024 --format csv
      kg align NZL AUS --at 2024-04-05
      kg align --all --from 1946 --to 2024 -o dyads.csv
    """
    from kg.analysis import align as align_pair
    from kg.analysis import align_all

    if every == bool(states) or (not every and len(states) != 2):
        raise click.UsageError("give two states A B, or --all")
    from kg.output import check_target

    if output is not None:
        check_target(output)
    opened = _open(store)
    saying = _saying_day(opened, at) if first is None and last is None else (
        _saying_day(opened, None, last_year=last) if last is not None else nullcontext())
    with saying:
        if not every:
            _write_table(align_pair(opened, states[0], states[1], at=at, start=first, end=last,
                                    metric=metric, digits=4), fmt, output, excel)
            return
        _write_table(align_all(opened, at=at, start=first, end=last, metric=metric, digits=4), fmt, output,
                     excel)


@main.group()
def analyse() -> None:
    """Blocs, centrality, chains of alignment and changes, as tables (see docs/analysis.md).

    \b
    Examples:
      kg analyse blocs --at 2024-04-05
      kg analyse centrality --at 1990 --format csv
      kg analyse path NZL NOR --at 2024-04-05
      kg analyse changes --from 2022 --to 2024 --org NATO
    """


def _rounded(table: Any, digits: int = 4) -> Any:
    table.rows = [[round(v, digits) if isinstance(v, float) else v for v in row] for row in table.rows]
    return table


_at_option = click.option("--at", default=None, metavar="DATE",
                          help="The day (default: the dataset's 'current as of' day).")
_universal_option = click.option("--include-universal", is_flag=True,
                                 help="Keep organisations whose kind gives no tie (the UN, the OECD).")


@analyse.command()
@_at_option
@click.option("--seed", default=7, show_default=True, type=int, help="Seed of the Louvain method.")
@click.option("--resolution", default=1.0, show_default=True, type=float,
              help="Louvain resolution (a positive number): above 1 gives more, smaller blocs.")
@click.option("--per-state", is_flag=True,
              help="One row per state (bloc, size, state, name) instead of one per bloc.")
@output_options
@store_option
def blocs(at: str | None, seed: int, resolution: float, per_state: bool, fmt: str | None,
          store: str | None, output: str | None = None, excel: bool = False) -> None:
    """Blocs of states: Louvain communities of the weighted alignment graph (reproducible).

    One row per bloc: its size, the organisations most of its members share (ties: "NATO
    30/32" is 30 of the bloc's 32 states full members of NATO) and its members; the states with
    no tie to any other state come last, as "unaligned". --per-state lists the states instead.

    \b
    Examples:
      kg analyse blocs --at 1990 --seed 7
      kg analyse blocs --at 1990 --per-state -o blocs-1990.csv
    """
    opened = _open(store)
    with _saying_day(opened, at):
        if per_state:
            from kg.analysis import blocs as find_blocs

            _write_table(find_blocs(opened, at=at, seed=seed, resolution=resolution), fmt, output, excel)
            return
        from kg.blocs import bloc_summary

        _write_table(bloc_summary(opened, at=at, seed=seed, resolution=resolution), fmt, output, excel)


@analyse.command()
@_at_option
@_universal_option
@output_options
@store_option
def centrality(at: str | None, include_universal: bool, fmt: str | None, store: str | None,
               output: str | None = None, excel: bool = False) -> None:
    """Degree, betweenness and eigenvector centrality of states and organisations.

    \b
    Example:
      kg analyse centrality --at 2024-04-05 --format csv | head
    """
    from kg.analysis import centrality as measure

    opened = _open(store)
    with _saying_day(opened, at):
        _write_table(_rounded(measure(opened, at=at, include_universal=include_universal)), fmt, output,
                     excel)


@analyse.command()
@click.argument("a", shell_complete=_complete("state", "org"))
@click.argument("b", shell_complete=_complete("state", "org"))
@_at_option
@_universal_option
@output_options
@store_option
def path(a: str, b: str, at: str | None, include_universal: bool, fmt: str | None,
         store: str | None, output: str | None = None, excel: bool = False) -> None:
    """The shortest chain of alignment from A to B through memberships and partnerships.

    \b
    Example:
      kg analyse path NZL NOR --at 2024-04-05
    """
    from kg.analysis import alignment_path

    opened = _open(store)
    with _saying_day(opened, at):
        _write_table(alignment_path(opened, a, b, at=at, include_universal=include_universal), fmt, output,
                     excel)


@analyse.command()
@click.option("--from", "since", required=True, metavar="DATE", help="Changes after this day (a year means its end).")
@click.option("--to", "until", default=None, metavar="DATE",
              help="Up to this day (default: the dataset's 'current as of' day).")
@click.option("--state", default=None, metavar="CODE", shell_complete=_complete("state"),
              help="Only this actor's changes.")
@click.option("--org", default=None, metavar="CODE", shell_complete=_complete("org"),
              help="Only changes with this organisation.")
@output_options
@store_option
def changes(since: str, until: str | None, state: str | None, org: str | None, fmt: str | None,
            store: str | None, output: str | None = None, excel: bool = False) -> None:
    """What changed between two days: joined, left, partnership steps, with sources.

    \b
    Example:
      kg analyse changes --from 2022 --to 2024 --org NATO
    """
    from kg.analysis import changes as list_changes

    opened = _open(store)
    state = _named(opened, state, ("member",), "--state")
    org = _named(opened, org, ("org",), "--org")
    _write_table(list_changes(opened, since, until, state=state, org=org), fmt, output, excel)


@main.group()
def plot() -> None:
    """Pictures (PNG, SVG or PDF, from -o's extension): alignment of pairs of states over time,
    member counts of organisations over time, a state's or a partnership's timeline.

    \b
    Examples:
      kg plot align NZL AUS IND RUS --from 1990 -o align.png
      kg plot members NATO EU -o members.svg
      kg plot timeline "New Zealand" -o nz-timeline.pdf
    """


def _plot_options(function: Callable[..., Any]) -> Callable[..., Any]:
    function = store_option(function)
    function = click.option("--format", "fmt", default=None, type=click.Choice(["png", "svg", "pdf"]),
                            help="Picture format (default: from the -o extension).")(function)
    function = click.option("--to", "last", default=None, type=click.IntRange(1, 9999), metavar="YEAR",
                            help="Last year (default: the data's 'current as of' day).")(function)
    function = click.option("--from", "first", default=None, type=click.IntRange(1, 9999), metavar="YEAR",
                            help="First year.")(function)
    return click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
                        help="The picture to write: .png, .svg or .pdf.")(function)


def _save_plot(make: Callable[[Any], Any], output: str, fmt: str | None, store: str | None) -> None:
    from kg.output import check_target
    from kg.plot import PLOT_FORMATS, save_figure

    check_target(output)
    params = click.get_current_context().params
    if params.get("first") and params.get("last") and params["first"] > params["last"]:
        raise click.UsageError(f"--from {params['first']} is after --to {params['last']}")
    chosen = (fmt or os.path.splitext(output)[1].lstrip(".")).lower()
    if chosen not in PLOT_FORMATS:
        raise click.UsageError(f"-o {output}: give a .png, .svg or .pdf file (or --format)")
    figure = make(_open(store))
    for message in getattr(figure, "kg_notes", []):
        _note(message)
    save_figure(figure, output, fmt=chosen)
    _note(f"wrote {output}")


@plot.command("align")
@click.argument("states", nargs=-1, required=True, metavar="A B [C D]...", shell_complete=_complete("state"))
@click.option("--kappa", is_flag=True, help="Also draw Cohen's kappa (dashed).")
@_plot_options
def plot_align(states: tuple[str, ...], kappa: bool, output: str, first: int | None,
               last: int | None, fmt: str | None, store: str | None) -> None:
    """The alignment (S-score) of pairs of states year by year: A with B, C with D, ...

    States by code, name, ISO alpha-2 code or QID. Default years: 1946 to the data's year.

    \b
    Examples:
      kg plot align NZL AUS IND RUS --from 1990 -o align.png
      kg plot align "New Zealand" "United States" --from 1950 --kappa -o nz-us.svg
    """
    from kg.plot import align_figure

    if len(states) % 2:
        raise click.UsageError("give states in pairs: A B [C D]...")
    pairs = list(zip(states[::2], states[1::2], strict=True))
    _save_plot(lambda opened: align_figure(opened, pairs, start=first, end=last, kappa=kappa),
               output, fmt, store)


@plot.command("members")
@click.argument("orgs", nargs=-1, required=True, metavar="ORG...", shell_complete=_complete("org"))
@_plot_options
def plot_members(orgs: tuple[str, ...], output: str, first: int | None, last: int | None,
                 fmt: str | None, store: str | None) -> None:
    """How many full members (suspended included) organisations had, day by day.

    \b
    Examples:
      kg plot members NATO EU -o members.svg
      kg plot members ASEAN "African Union" --from 1990 -o members.png
    """
    from kg.plot import members_figure

    _save_plot(lambda opened: members_figure(opened, list(orgs), start=first, end=last),
               output, fmt, store)


@plot.command("timeline")
@click.argument("subject", metavar="STATE", shell_complete=_complete("state"))
@_plot_options
def plot_timeline(subject: str, output: str, first: int | None, last: int | None,
                  fmt: str | None, store: str | None) -> None:
    """A state's story (memberships by role, partnerships by status, stances, events), or one
    partnership's steps (its code, e.g. NZL-NATO-ITPP). Undated facts are listed, not drawn.

    \b
    Examples:
      kg plot timeline NZL -o nz-timeline.png
      kg plot timeline NZL-NATO-ITPP -o itpp.svg
    """
    from kg.plot import timeline_figure

    _save_plot(lambda opened: timeline_figure(opened, subject, start=first, end=last),
               output, fmt, store)


@main.command()
@output_options
@store_option
def stats(fmt: str | None, store: str | None, output: str | None = None, excel: bool = False) -> None:
    """Counts per class and per named graph, sourced facts, the dataset version and date, and
    the coverage the data declares by organisation and kind of fact (complete or partial, since
    and until when).

    \b
    Example:
      kg stats --format markdown
    """
    from kg.stats import stats_table, store_stats

    _write_table(stats_table(store_stats(_open(store))), fmt, output, excel)


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

    data = run_build("memory", validate=False)
    assert data is not None  # a store in memory lives in this process: the build gives it
    text = render_reference(data)
    if output is None:
        click.echo(text, nl=False)
    else:
        from kg.output import atomic_output

        with atomic_output(output, text=True) as handle:
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
    from kg.output import atomic_output
    from kg.reference import normalised_turtle, ontology_files

    # Every file read and normalised before any is written: a file that is not Turtle stops
    # the command with one line and leaves all of them as they were.
    texts = {path: normalised_turtle(path) for path in ontology_files()}
    stale = [path for path, text in texts.items() if path.read_text(encoding="utf-8") != text]
    if not check:
        for path in stale:
            with atomic_output(path, text=True) as out:
                out.write(texts[path])
    for path in stale:
        _note(f"{'not normalised' if check else 'normalised'}: {path}")
    if check and stale:
        raise KgError(f"{len(stale)} ontology file(s) not normalised: run `kg ontology normalise`")


@main.command("import", cls=_ImportCommand)
@click.argument("source", type=_Source(), shell_complete=_complete("import_sources"))
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--strict", is_flag=True,
              help="Make every problem (unmatched code, bad row) an error: exit 1, import nothing.")
@store_option
@remote_write_options
def import_(source: str, file: str, strict: bool, store: str | None, update_url: str | None = None,
            gsp_url: str | None = None) -> None:
    """Import a standard dataset file (ATOP, COW, Wikidata) into its own named graph.

    SOURCE names an importer (listed below; other installed packages may add some, see
    docs/importers.md). Re-importing a file replaces its graph and changes nothing else.
    Unmatched codes and bad rows are reported on stderr with their line and left out;
    --strict makes them errors. The mapping of each dataset to the ontology is in
    docs/importers.md.

    \b
    Examples:
      kg import atop atop-v4.01-member-level.csv --store ./kg-store
      kg import cow-states cow-statelist2024.csv --strict
      kg import wikidata p463-results.json
      kg import atop atop-v4.01-member-level.csv --store http://127.0.0.1:7878/query
    """
    from kg.importer import import_file
    from kg.loaders.registry import find_importer

    find_importer(source)  # an unknown SOURCE is a usage error before any store is opened or built
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            if total < 2000:
                return
            bar = click.progressbar(length=total, label=f"reading {os.path.basename(file)}",
                                    file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    def report(issue: Any) -> None:
        click.echo(f"kg: warning: {issue}", err=True)

    try:
        with _store_to_write(store, update_url, gsp_url) as target:
            result = import_file(source, file, target, strict=strict, report=report, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    counts = ", ".join(f"{n} {what}" for what, n in result.counts.items())
    warnings = f"; {len(result.issues)} warning(s)" if result.issues else ""
    _note(f"imported {file} ({result.dataset.title}, version {result.dataset.version}): "
          f"{result.rows} rows, {counts}; {result.triples} triples in graph <{result.graph}>{warnings}")



@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--graph", default=None, metavar="IRI",
              help="Load into this named graph (an IRI, or a short name under .../graph/); "
                   "default: one per file, .../graph/load/<file name>.")
@click.option("--format", "fmt", default=None,
              type=click.Choice(RDF_SYNTAXES),
              help="The RDF syntax (default: from each file's extension).")
@store_option
@remote_write_options
def load(files: tuple[str, ...], graph: str | None, fmt: str | None, store: str | None,
         update_url: str | None = None, gsp_url: str | None = None) -> None:
    """Load RDF files, each into its own named graph (quad syntaxes keep their graphs).

    Re-loading a file replaces its graph; other graphs stay. All files are written at once:
    a syntax error (reported with file and line) leaves the store unchanged. A missing store
    is created, empty (without the packaged data). The file name, SHA-256 and syntax are kept
    (see `kg graphs`).

    \b
    Examples:
      kg load extra.ttl --store ./kg-store
      kg load dump.nq other.jsonld --store http://127.0.0.1:7878/query
      kg load partners.rdf --graph https://example.org/graph/partners
    """
    from kg.graphs import load_files, short_name
    from kg.rdfio import rdf_format

    chosen = (lambda path: rdf_format(fmt)) if fmt else None
    with _store_to_write(store, update_url, gsp_url) as target:
        loaded = load_files(target, files, graph=graph, fmt=chosen)
    for rdf in loaded:
        graphs = sorted(rdf.triples.items()) or [(rdf.graph, 0)]
        where = (short_name(graphs[0][0]) if len(graphs) == 1
                 else ", ".join(f"{short_name(g)} ({n})" for g, n in graphs))
        _note(f"loaded {rdf.path}: {rdf.total} triples into {where}")
        for replaced in rdf.replaces:
            _note(f"kg: note: {rdf.path} replaced the graph {replaced}")


@main.command()
@output_options
@store_option
def graphs(fmt: str | None, store: str | None, output: str | None = None, excel: bool = False) -> None:
    """List the named graphs: short name, source (build, load or import) and triples.

    \b
    Example:
      kg graphs --store ./kg-store --format csv
    """
    from kg.graphs import graph_table

    _write_table(graph_table(_open(store)), fmt, output, excel)


@main.command()
@click.argument("graph")
@store_option
@remote_write_options
def drop(graph: str, store: str | None, update_url: str | None = None, gsp_url: str | None = None) -> None:
    """Remove one named graph (its IRI, or its short name as `kg graphs` shows it).

    Atomic; a graph that does not exist is an error (exit 1).

    \b
    Example:
      kg drop load/extra.ttl --store ./kg-store
    """
    from kg.api import open_store
    from kg.graphs import drop_graph
    from kg.stores.base import resolve_location

    location = resolve_location(store, update_url=update_url, gsp_url=gsp_url)
    removed = drop_graph(open_store(location, note=_note), graph)
    _note(f"dropped {removed}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535),
              help="The port (0: any free port).")
@click.option("--timeout", default=60.0, show_default=True, type=_SECONDS,
              metavar="SECONDS", help="Stop a query after this many seconds (HTTP 503).")
@click.option("--max-rows", default=100_000, show_default=True, type=click.IntRange(min=1),
              help="Refuse answers with more rows or triples (HTTP 500 with a message).")
@click.option("--max-bytes", default=100_000_000, show_default=True, type=click.IntRange(min=1),
              help="Refuse answers larger than this (HTTP 500 with a message).")
@click.option("--max-connections", default=256, show_default=True, type=click.IntRange(min=1),
              help="Connections served at once; more are refused (HTTP 503).")
@click.option("--queue", default=256, show_default=True, type=click.IntRange(min=0),
              help="Queries that may wait for a free worker; more are refused (HTTP 503).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also answer requests whose Host header is NAME (repeatable; IP addresses and "
                   "localhost always are).")
@click.option("--allow-origin", "allow_origins", multiple=True, metavar="ORIGIN",
              help="Also answer browser requests from ORIGIN, e.g. http://localhost:3000 (repeatable).")
@store_option
def serve(host: str, port: int, timeout: float, max_rows: int, max_bytes: int,
          max_connections: int, queue: int, allow_hosts: tuple[str, ...], allow_origins: tuple[str, ...], store: str | None) -> None:
    """Serve the store read-only: the web application at / and SPARQL at /query and /sparql.

    The web pages (search, entity pages, the catalogue as forms, a SPARQL page, charts) are
    at http://HOST:PORT/. The SPARQL 1.1 Protocol endpoint takes GET or POST
    (application/sparql-query, or a form), honours default-graph-uri and named-graph-uri,
    and answers in JSON, XML, CSV or TSV, graphs in Turtle, N-Triples, RDF/XML or JSON-LD
    (Accept header). Updates are refused (403), and so are SERVICE, LOAD and FROM <url> (400).
    One line per request on stderr.

    \b
    Example:
      kg serve --store ./kg-store --port 7878    # then open http://127.0.0.1:7878/
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 3' http://127.0.0.1:7878/query
    """
    import signal

    from kg.serve import ServeOptions, make_server
    from kg.stores.base import resolve_location

    location = resolve_location(store)
    if location.is_default:
        _open(store)  # the per-user store is built on first use
    server = make_server(location, host=host, port=port, log=_note,
                         options=ServeOptions(timeout=timeout, max_rows=max_rows, max_bytes=max_bytes,
                                              max_connections=max_connections, queue=queue,
                                              allowed_hosts=allow_hosts, allowed_origins=allow_origins))
    address, bound_port = server.server_address[:2]
    bound_host = address.decode() if isinstance(address, (bytes, bytearray)) else address
    _note(f"kg: serving {location} read-only at http://{bound_host}:{bound_port}/query (Ctrl-C stops)")
    import ipaddress

    try:
        loopback = ipaddress.ip_address(str(bound_host)).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        _note(f"kg: warning: listening on {bound_host}, not on loopback: every machine that can "
              "reach it can query the store")
    _note(f"kg: web pages at http://{bound_host}:{bound_port}/")
    from kg.sandbox import guard_available
    from kg.stores.kinds import store_class

    if store_class(location).embedded and not guard_available():
        _note("kg: warning: the query worker cannot be denied network access on this system "
              "(no seccomp filter); only the text check refuses SERVICE, LOAD and FROM <url>")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command()
@click.argument("article", metavar="ARTICLE")
@click.option("--url", default="", help="Where the article was published (default: from the HTML).")
@click.option("--title", default="", help="Its title (default: from the HTML).")
@click.option("--publisher", default="", help="Who published it (default: from the HTML).")
@click.option("--published", default="", metavar="DATE",
              help="Its publication date, YYYY-MM-DD, YYYY-MM or YYYY: relative dates in the text "
                   "(\"on Wednesday\", \"last year\") are resolved against it.")
@output_options
@click.option("--to-tables", "tables", default=None, type=click.Path(file_okay=False),
              help="Also write the new candidates as curated tables (and review.csv) into this "
                   "directory, for a reviewer and `kg build --data DIR`.")
@click.option("--min-confidence", default=0.0, show_default=True, type=click.FloatRange(0.0, 1.0),
              help="Keep only candidates at or above this confidence.")
@store_option
def ingest(article: str, url: str, title: str, publisher: str, published: str, fmt: str | None,
           output: str | None, tables: str | None, min_confidence: float, store: str | None,
           excel: bool = False) -> None:
    """Candidate facts stated by a news article (plain text or HTML; '-' reads standard input),
    each with the sentence that states it and how it compares with the graph. Never writes
    to the store.

    Columns: kind, subject, object, detail, date, evidence, confidence, against_graph
    (new, confirms, conflicts: the graph's version in detail, or unknown).

    \b
    Examples:
      kg ingest article.txt --published 2024-04 --format csv
      kg ingest page.html --to-tables ./review --min-confidence 0.7
      curl -s https://example.org/news.html | kg ingest - --published 2026-11-02
    """
    from pathlib import Path

    from kg.ingest import COLUMNS, load_article, write_tables
    from kg.ingest import ingest as read_candidates
    from kg.table import Table

    stdin = sys.stdin.buffer.read() if article == "-" else None
    text = load_article(article, url=url, title=title, publisher=publisher, published=published, stdin=stdin)
    if not text.published:
        _note("no publication date (--published): relative dates in the article are left out")
    opened = _open(store)
    result = read_candidates(opened, text)
    table = Table(list(COLUMNS), result.rows(min_confidence), notes=list(result.notes))
    _write_table(table, fmt, output, excel)
    if tables is not None:
        counts = write_tables(opened, Path(tables), result, min_confidence)
        _note(f"wrote {tables}: " + ", ".join(f"{name} ({n} rows)" for name, n in counts.items()))


if __name__ == "__main__":  # pragma: no cover
    main()
