"""Shell completion of codes and query names for ``kg`` (bash, zsh and fish, through click).

Completion reads the packaged tables (:func:`kg.names.packaged_codes`) and the query catalogue,
never a store: it answers at once, even before the first ``kg build``. A word completes to the
codes that start with it, or whose name does (``new`` offers ``NZL`` with "New Zealand" as its
description, where the shell shows one); case does not matter, accents are optional.

Activate it (see docs/names.md)::

    eval "$(_KG_COMPLETE=bash_source kg)"        # ~/.bashrc
    eval "$(_KG_COMPLETE=zsh_source kg)"         # ~/.zshrc
    _KG_COMPLETE=fish_source kg | source         # ~/.config/fish/completions/kg.fish

>>> [item.value for item in complete_codes(("state",), "new zeal")]
['NZL']
>>> [(item.value, item.help) for item in complete_codes(("org",), "nato")]
[('NATO', 'North Atlantic Treaty Organization')]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from click.shell_completion import CompletionItem

__all__ = ["complete_codes", "codes_of", "query_names"]


def complete_codes(kinds: Sequence[str], incomplete: str) -> list[CompletionItem]:
    """The codes of ``kinds`` (``state``, ``org``, ``event``, ``framework``, ``topic``) that
    ``incomplete`` begins, or whose name it begins (normalised), in code order."""
    from kg.names import normalise, packaged_codes

    tables = packaged_codes()
    word = normalise(incomplete)
    folded = incomplete.casefold()
    items: dict[str, CompletionItem] = {}
    for kind in kinds:
        for code, name in tables.get(kind, ()):
            if code.casefold().startswith(folded) or (word and normalise(name).startswith(word)):
                items.setdefault(code, CompletionItem(code, help=name or None))
    return [items[code] for code in sorted(items)]


def codes_of(*kinds: str) -> Callable[[Any, Any, str], list[CompletionItem]]:
    """A click ``shell_complete`` callback offering the codes of ``kinds``."""
    def complete(ctx: Any, param: Any, incomplete: str) -> list[CompletionItem]:
        return complete_codes(kinds, incomplete)

    return complete


def query_names(ctx: Any, param: Any, incomplete: str) -> list[CompletionItem]:
    """Catalogue query names that start with ``incomplete`` (with their summaries); a path
    (``./``, ``/``, ``.rq``) completes as a file."""
    from kg.catalogue import catalogue

    if "/" in incomplete or incomplete.endswith(".rq"):
        return [CompletionItem(incomplete, type="file")]
    return [CompletionItem(name, help=entry.summary or None)
            for name, entry in sorted(catalogue().items()) if name.startswith(incomplete)]


def import_sources(ctx: Any, param: Any, incomplete: str) -> list[CompletionItem]:
    """The registered importers (``kg import SOURCE``) whose names start with ``incomplete``."""
    from kg.loaders.registry import describe_importers

    return [CompletionItem(name, help=summary or None)
            for name, summary in describe_importers() if name.startswith(incomplete)]


def query_parameters(ctx: Any, param: Any, incomplete: str) -> list[CompletionItem]:
    """For ``-p NAME VALUE``: the parameter names of the chosen query, and codes of any kind."""
    from kg.catalogue import catalogue

    items = []
    # While an option's values are incomplete, click leaves the query in ctx.args.
    named = [ctx.params.get("query_text"), *getattr(ctx, "args", [])]
    entry = next((catalogue()[n] for n in named if isinstance(n, str) and n in catalogue()), None)
    if entry is not None:
        items = [CompletionItem(p.name, help=p.doc or p.type) for p in entry.parameters
                 if p.name.startswith(incomplete)]
    return items + complete_codes(("state", "org", "event", "framework", "topic", "partnership"),
                                  incomplete)
