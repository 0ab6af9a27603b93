"""Alignment analytics: similarity of alliance portfolios, blocs, centrality, chains and changes.

Every function reads the store through :mod:`kg.network` and returns a :class:`Table` (columns
and plain rows), so that the command line, a notebook and a test see the same values. The
formulas, conventions and references are in ``docs/analysis.md``; in short:

- a state's **portfolio** in a year is its vector of tie levels to every state in the system that
  year (those in existence on 31 December): 0 none, 1 consultation or entente, 2 neutrality or
  non-aggression, 3 defence pact, and 3 to itself. A tie is the strongest commitment two states
  share through organisations (:data:`kg.network.TIE_LEVELS`) and, once imported, treaties;
- **S** (Signorino and Ritter 1999) is ``1 - 2 d / d_max`` with ``d`` the sum of absolute level
  differences of the two portfolios and ``d_max = 3 n``;
- **kappa** is Cohen's weighted kappa over the same two vectors (Cohen 1968; proposed for foreign
  policy similarity by Häge 2011), with the same disagreement weights as S (``|a - b| / 3``), so
  the two differ only by kappa's correction for chance agreement;
- ``metric="squared"`` uses squared differences (``((a - b) / 3) ** 2``) in both.

numpy and the NetworkX algorithms are imported inside the functions that need them.

Examples
--------
Three states; 0 and 1 are in a defence pact, 1 and 2 in a forum. Portfolios (rows) ``(3, 3, 0)``
and ``(3, 3, 1)`` differ by 1 in one of 3 places: ``d_o = (1/3) / 3 = 1/9``, ``S = 1 - 2/9``.
Level shares ``p_0 = {3: 2/3, 0: 1/3}``, ``p_1 = {3: 2/3, 1: 1/3}``; expected disagreement
``d_e = (2/3)(1/3)(2/3) + (1/3)(2/3)(3/3) + (1/3)(1/3)(1/3) = 11/27``; ``kappa = 1 - (1/9) / (11/27)
= 8/11``.

>>> import numpy as np
>>> ties = np.array([[3, 3, 0], [3, 3, 1], [0, 1, 3]])
>>> s, kappa = similarity(ties)
>>> round(float(s[0, 1]), 4), round(float(kappa[0, 1]), 4)
(0.7778, 0.7273)
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Callable, Iterator, Sequence
from itertools import pairwise
from typing import IO, TYPE_CHECKING, Any, Final

from kg.dates import parse_date
from kg.errors import UsageError
from kg.formats import write_chunks
from kg.network import (
    alignment_graph,
    commitments,
    commitments_of,
    is_universal,
    membership_graph,
    partnership_graph,
    resolve_day,
    state_periods,
    state_spans,
    tie_level,
)
from kg.stores.base import Store
from kg.table import Table, Tabular
from kg.vocab import code_of

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np

__all__ = [
    "MAX_LEVEL",
    "METRICS",
    "AlignmentSeries",
    "AlignmentSystem",
    "PairScores",
    "Table",
    "align",
    "align_all",
    "alignment_path",
    "blocs",
    "centrality",
    "changes",
    "similarity",
]

#: Distance metrics of :func:`similarity`: absolute (Signorino and Ritter's default) or squared.
METRICS: Final = ("absolute", "squared")
#: The highest tie level (a defence pact); levels run from 0 to it.
MAX_LEVEL: Final = 3
#: Seed of the community detection unless another is given.
DEFAULT_SEED: Final = 7


def _numpy():
    """numpy, imported on first use with its BLAS on one thread.

    The matrices here are small (a few hundred rows): a multi-threaded BLAS spends more time
    waking threads than multiplying, and on a busy 2-core machine it was 15 times slower. The
    setting only applies if nothing imported numpy before; an explicit environment value wins.
    """
    import os
    import sys

    if "numpy" not in sys.modules:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(name, "1")
    import numpy

    return numpy


# --- portfolios and scores ---------------------------------------------------------------------


def similarity(ties: np.ndarray, metric: str = "absolute") -> tuple[np.ndarray, np.ndarray]:
    """S-scores and Cohen's weighted kappa of every pair of rows of a tie matrix.

    Parameters
    ----------
    ties : numpy.ndarray
        ``n x n`` integer tie levels from 0 to :data:`MAX_LEVEL`; row ``i`` is state ``i``'s
        portfolio (its diagonal entry is its tie to itself, :data:`MAX_LEVEL` by convention).
    metric : {"absolute", "squared"}
        The disagreement weight of levels ``a`` and ``b``: ``|a - b| / 3`` or ``((a - b) / 3) ** 2``.

    Returns
    -------
    (S, kappa) : tuple of numpy.ndarray
        ``n x n`` float matrices. With ``d_o(i, j)`` the mean disagreement weight over the ``n``
        entries of the two rows, and ``d_e(i, j) = sum_a sum_b p_i(a) p_j(b) w(a, b)`` the
        disagreement expected if the rows were independent draws from their own level
        distributions ``p_i``, ``p_j``: ``S = 1 - 2 d_o`` (Signorino and Ritter 1999, unweighted:
        ``1 - 2 d / d_max``) and ``kappa = 1 - d_o / d_e`` (Cohen 1968; Häge 2011); ``kappa`` is
        NaN where ``d_e`` is 0 (two constant, identical portfolios).

    Notes
    -----
    Computed with matrix products, not a loop over pairs: for the absolute metric,
    ``|a - b| = sum_{t=1..3} |[a >= t] - [b >= t]|`` and for 0/1 vectors
    ``sum_k |u_k - v_k| = |u| + |v| - 2 u.v``; for the squared metric,
    ``sum_k (x_k - y_k)^2 = |x|^2 + |y|^2 - 2 x.y``; ``d_e = P W P^T`` with ``P`` the rows' level
    distributions and ``W`` the weights. All sums are of integers, exact in float32 (the
    products) and float64.

    Examples
    --------
    Two states that are each other's only ally, in a system of two: opposite portfolios.

    >>> import numpy as np
    >>> s, k = similarity(np.array([[3, 0], [0, 3]]))
    >>> float(s[0, 1]), float(k[0, 1])
    (-1.0, -1.0)
    """
    np = _numpy()

    if metric not in METRICS:
        raise UsageError(f"unknown metric {metric!r}: one of {', '.join(METRICS)}")
    n = ties.shape[0]
    if n == 0:
        empty = np.zeros((0, 0))
        return empty, empty
    levels = np.arange(MAX_LEVEL + 1)
    if metric == "absolute":
        # float32 throughout: four times faster than float64 and still exact, as every sum is
        # an integer of at most 3 n (far below 2**24); converted once at the end.
        total32 = np.zeros((n, n), dtype=np.float32)
        previous: tuple[Any, Any] | None = None
        for threshold in range(1, MAX_LEVEL + 1):
            chosen = ties >= threshold
            if previous is not None and np.array_equal(previous[0], chosen):
                total32 += previous[1]  # no tie at exactly this level: the same term again
                continue
            above = chosen.astype(np.float32)
            count = above.sum(axis=1, dtype=np.float32)
            term = above @ above.T  # (numpy multiplies a matrix by its transpose as one symmetric product)
            term *= -2.0
            term += count[:, None]
            term += count[None, :]
            total32 += term
            previous = (chosen, term)
        total = total32.astype(np.float64)
        observed = total / (MAX_LEVEL * n)
        weights = np.abs(levels[:, None] - levels[None, :]) / MAX_LEVEL
    else:
        values = ties.astype(np.float32)  # (exact: every sum is an integer of at most 9 n)
        square = (values * values).sum(axis=1, dtype=np.float64)
        total = square[:, None] + square[None, :] - 2.0 * (values @ values.T).astype(np.float64)
        observed = total / (MAX_LEVEL**2 * n)
        weights = ((levels[:, None] - levels[None, :]) / MAX_LEVEL) ** 2
    shares = np.stack([(ties == level).sum(axis=1) for level in levels], axis=1) / n
    expected = shares @ weights @ shares.T
    s_score = 1.0 - 2.0 * observed
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(expected > 0, 1.0 - observed / np.where(expected > 0, expected, 1.0), np.nan)
    return s_score, kappa


_NEVER: Final = dt.date.max.toordinal() + 1
_ALWAYS: Final = 0


class AlignmentSystem:
    """The states and their commitment spells, read once from a store, as arrays.

    :meth:`ties` gives the tie matrix of the states in existence on a day; scoring every year
    needs no further query.
    """

    def __init__(self, store: Store, *, around: Sequence[str] | None = None) -> None:
        """Read every state and every spell; with ``around`` (state codes or IRIs), every state
        but only the spells that can tie one of those states to another
        (:func:`kg.network.commitments_of`): enough for their rows of :meth:`ties`, read at the
        cost of their portfolios rather than of the store. Names are then the codes."""
        np = _numpy()

        if around is None:
            periods = state_periods(store)
            spells_read = commitments(store)
        else:
            spans = state_spans(store)
            periods = {code: (code, start, end) for code, (start, end) in spans.items()}
            spells_read = commitments_of(store, [_plain_code(code) for code in around])
        self.codes: list[str] = sorted(periods)
        self.names: dict[str, str] = {code: periods[code][0] for code in self.codes}
        index = {code: i for i, code in enumerate(self.codes)}
        self._index = index
        self._start = np.array([p[1].toordinal() if p[1] else _ALWAYS for p in
                                (periods[c] for c in self.codes)], dtype=np.int64)
        self._end = np.array([p[2].toordinal() if p[2] else _NEVER for p in
                              (periods[c] for c in self.codes)], dtype=np.int64)
        spells = [s for s in spells_read if s.level > 0 and s.state in index]
        groups = sorted({s.commitment for s in spells})
        group_index = {g: i for i, g in enumerate(groups)}
        self._groups = len(groups)
        self._spell_state = np.array([index[s.state] for s in spells], dtype=np.int64)
        self._spell_group = np.array([group_index[s.commitment] for s in spells], dtype=np.int64)
        self._spell_level = np.array([s.level for s in spells], dtype=np.int64)
        self._spell_start = np.array([s.start.toordinal() for s in spells], dtype=np.int64)
        self._spell_end = np.array([s.end.toordinal() if s.end else _NEVER for s in spells],
                                   dtype=np.int64)

    def code(self, text: str, option: str = "state") -> str:
        """A state code from a code or an IRI; :class:`UsageError` for an unknown state."""
        code = _plain_code(text)
        if code not in self.names:
            close = difflib.get_close_matches(code, self.codes, n=3, cutoff=0.6)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise UsageError(f"{option}: unknown state {text!r}.{hint}")
        return code

    def ties(self, day: dt.date) -> tuple[list[str], np.ndarray]:
        """The states in existence on ``day`` (sorted codes) and their ``n x n`` tie matrix.

        Entry ``(i, j)`` is the highest ``L`` such that ``i`` and ``j`` both hold a level of at
        least ``L`` in one commitment in force (so through one commitment the lower of their two
        levels; over all, the strongest); the diagonal is :data:`MAX_LEVEL`. One incidence matrix
        (states x commitments) per level ``L`` and a product give "share one at ``>= L``"; the
        tie is the number of levels at which they do.
        """
        np = _numpy()

        when = day.toordinal()
        alive = (self._start <= when) & (when < self._end)
        members = np.flatnonzero(alive)
        n = len(members)
        position = np.full(len(self.codes), -1, dtype=np.int64)
        position[members] = np.arange(n)
        active = ((self._spell_start <= when) & (when < self._spell_end)
                  & alive[self._spell_state]) if len(self._spell_state) else np.zeros(0, bool)
        ties = np.zeros((n, n), dtype=np.int8)
        previous: tuple[Any, Any] | None = None
        for level in range(1, MAX_LEVEL + 1):
            chosen = active & (self._spell_level >= level)
            if not chosen.any():
                continue
            if previous is not None and np.array_equal(previous[0], chosen):
                ties += previous[1]  # no spell at exactly this level: the same product again
                continue
            incidence = np.zeros((n, self._groups), dtype=np.float32)
            incidence[position[self._spell_state[chosen]], self._spell_group[chosen]] = 1.0
            shared = (incidence @ incidence.T > 0).astype(np.int8)
            ties += shared
            previous = (chosen, shared)
        np.fill_diagonal(ties, MAX_LEVEL)
        return [self.codes[i] for i in members], ties


    def rows(self, day: dt.date, wanted: Sequence[str]) -> np.ndarray | None:
        """The rows of :meth:`ties` for the states ``wanted`` (codes) on ``day``, or ``None``
        when one of them does not exist that day: ``len(wanted) x n`` over the states in
        existence, computed from their own spells (``wanted`` x commitments against states x
        commitments, not the ``n x n`` product).
        """
        np = _numpy()

        when = day.toordinal()
        alive = (self._start <= when) & (when < self._end)
        chosen_states = [self._index[code] for code in wanted]
        if not all(alive[i] for i in chosen_states):
            return None
        members = np.flatnonzero(alive)
        n = len(members)
        position = np.full(len(self.codes), -1, dtype=np.int64)
        position[members] = np.arange(n)
        active = ((self._spell_start <= when) & (when < self._spell_end)
                  & alive[self._spell_state]) if len(self._spell_state) else np.zeros(0, bool)
        rows = np.zeros((len(wanted), n), dtype=np.int8)
        wanted_rows = position[chosen_states]
        for level in range(1, MAX_LEVEL + 1):
            chosen = active & (self._spell_level >= level)
            if not chosen.any():
                continue
            incidence = np.zeros((n, self._groups), dtype=np.float32)
            incidence[position[self._spell_state[chosen]], self._spell_group[chosen]] = 1.0
            rows += (incidence[wanted_rows] @ incidence.T > 0).astype(np.int8)
        rows[np.arange(len(wanted)), wanted_rows] = MAX_LEVEL
        return rows


def _plain_code(text: str) -> str:
    """The code a state is given by: an IRI's code, or the text in upper case.

    >>> _plain_code(" nzl ")
    'NZL'
    """
    code = (code_of(text) or text) if text.startswith(("http://", "https://")) else text
    return code.strip().upper()


def _days(store: Store, at: str | None, start: int | None, end: int | None,
          ) -> tuple[str, list[tuple[str | int, dt.date]]]:
    """The time column and the (label, day) pairs asked for: one date, or every year's 31 December."""
    if start is None and end is None:
        day = resolve_day(store, at)
        return "date", [(day.isoformat(), day)]
    if at is not None:
        raise UsageError("give either --at or --from/--to, not both")
    first = start if start is not None else end
    last = end if end is not None else start
    assert first is not None and last is not None
    if first > last:
        raise UsageError(f"--from {first} is after --to {last}")
    if first < 1 or last > 9999:
        raise UsageError("years run from 1 to 9999")
    return "year", [(year, dt.date(year, 12, 31)) for year in range(first, last + 1)]


def _score(value: float, digits: int | None) -> float | None:
    if math.isnan(value):
        return None
    return round(value, digits) if digits is not None else value


def align(
    store: Store,
    a: str,
    b: str,
    *,
    at: str | None = None,
    start: int | None = None,
    end: int | None = None,
    metric: str = "absolute",
    digits: int | None = None,
    system: AlignmentSystem | None = None,
) -> Table:
    """S-score and kappa of two states' alliance portfolios on a day or in every year of a range.

    Parameters
    ----------
    store : Store
        The store to read.
    a, b : str
        State codes (``"NZL"``) or IRIs.
    at : str, optional
        A day (a month or a year means its last day); default, when no years are given either:
        the dataset's "current as of" day. The time column is then ``date``.
    start, end : int, optional
        First and last year (inclusive); each year is taken on its 31 December. The time column
        is then ``year``. One of them alone means that single year.
    metric : {"absolute", "squared"}
        See :func:`similarity`.
    digits : int, optional
        Round the scores to this many decimals (default: full precision).
    system : AlignmentSystem, optional
        Reuse states and spells already read.

    Returns
    -------
    Table
        Columns ``year`` (or ``date``), ``a``, ``b``, ``s_score``, ``kappa``; one row per year in
        which both states exist (a note says which years were left out). ``kappa`` is ``None``
        where it is undefined.

    Raises
    ------
    UsageError
        An unknown state, a malformed date, or ``at`` together with years.

    Examples
    --------
    >>> from kg.store import open_store
    >>> align(open_store("memory"), "NOR", "USA", start=1990, end=1990).rows
    [[1990, 'NOR', 'USA', 0.678..., 0.514...]]
    """
    from kg.names import resolve_code  # names, ISO alpha-2 codes and QIDs too

    a = resolve_code(store, a, ("state",), option="a")
    b = resolve_code(store, b, ("state",), option="b")
    # Only the spells that can tie a or b to anyone: their scores need no other row of the
    # tie matrix, and n, the states in existence, comes from every state's period.
    system = system or AlignmentSystem(store, around=(a, b))
    a, b = system.code(a, "a"), system.code(b, "b")
    column, days = _days(store, at, start, end)
    table = Table([column, "a", "b", "s_score", "kappa"])
    missing = []
    for label, day in days:
        pair = system.rows(day, (a, b))
        if pair is None:
            missing.append(str(label))
            continue
        s_score, kappa = _pair(pair, 0, 1, metric)
        table.rows.append([label, a, b, _score(s_score, digits), _score(kappa, digits)])
    if missing:
        table.notes.append(f"{a} and {b} do not both exist on {_span(missing)}: left out")
    return table


def _pair(ties: np.ndarray, i: int, j: int, metric: str) -> tuple[float, float]:
    """The scores of rows ``i`` and ``j`` only (the same formulas as :func:`similarity`)."""
    np = _numpy()

    n = ties.shape[1]
    pair = ties[[i, j]].astype(np.int64)
    levels = np.arange(MAX_LEVEL + 1)
    power = 1 if metric == "absolute" else 2
    if metric not in METRICS:
        raise UsageError(f"unknown metric {metric!r}: one of {', '.join(METRICS)}")
    observed = float((np.abs(pair[0] - pair[1]) ** power).sum()) / (MAX_LEVEL**power * n)
    weights = (np.abs(levels[:, None] - levels[None, :]) / MAX_LEVEL) ** power
    shares = np.stack([(pair == level).sum(axis=1) for level in levels], axis=1) / n
    expected = float(shares[0] @ weights @ shares[1])
    kappa = 1.0 - observed / expected if expected > 0 else float("nan")
    return 1.0 - 2.0 * observed, kappa


def _span(labels: Sequence[str]) -> str:
    if len(labels) == 1:
        return labels[0]
    return f"{len(labels)} of the dates asked for ({labels[0]} ... {labels[-1]})"


def align_all(
    store: Store,
    *,
    at: str | None = None,
    start: int | None = None,
    end: int | None = None,
    metric: str = "absolute",
    digits: int | None = None,
) -> AlignmentSeries:
    """Both scores for every pair of states in existence, on a day or in every year of a range.

    Returns an :class:`AlignmentSeries`, a table (:class:`kg.table.Tabular`) with the columns of
    :func:`align`, whose rows are computed a date at a time (:meth:`AlignmentSeries.chunks`,
    each sorted by ``a`` then ``b``, ``a < b``) as they are written: the whole table need never
    be in memory. Per year the work is a few ``n x n`` matrix products (:func:`similarity`),
    never a loop over pairs.

    Examples
    --------
    >>> from kg.store import open_store
    >>> series = align_all(open_store("memory"), start=2000, end=2001)
    >>> series.columns
    ['year', 'a', 'b', 's_score', 'kappa']
    >>> [len(chunk) > 10_000 for chunk in series.chunks()]
    [True, True]
    """
    np = _numpy()
    system = AlignmentSystem(store)
    column, days = _days(store, at, start, end)
    if metric not in METRICS:
        raise UsageError(f"unknown metric {metric!r}: one of {', '.join(METRICS)}")

    def chunks() -> Iterator[PairScores]:
        for label, day in days:
            codes, ties = system.ties(day)
            s_score, kappa = similarity(ties, metric)
            first, second = np.triu_indices(len(codes), 1)
            scores = s_score[first, second]
            kappas = kappa[first, second]
            if digits is not None:
                scores, kappas = np.round(scores, digits), np.round(kappas, digits)
            yield PairScores(label, codes, first, second, scores, kappas)

    return AlignmentSeries([column, "a", "b", "s_score", "kappa"], chunks)


class AlignmentSeries(Tabular):
    """The rows of :func:`align_all`, computed a date at a time whenever they are read.

    :meth:`chunks` gives one :class:`PairScores` per date; :meth:`write` streams them (every
    format but ``table`` and ``json``, which need all rows first), as does iterating over
    ``rows``; indexing ``rows``, :meth:`records` and :meth:`to_dataframe` hold them all, for
    the series that fit in memory."""

    def __init__(self, columns: list[str], chunks: Callable[[], Iterator[PairScores]]) -> None:
        self.columns = columns
        self._chunks = chunks
        self.rows = _SeriesRows(chunks)

    def chunks(self) -> Iterator[PairScores]:
        """The rows, one :class:`PairScores` per date, computed anew at each call."""
        return self._chunks()

    def write(self, out: IO[str], fmt: str, *, annotations: dict[str, Any] | None = None) -> int:
        """Write the rows to ``out`` in ``fmt`` a date at a time (:func:`kg.formats.write_chunks`;
        there are no ``annotations``); returns the number of rows."""
        return write_chunks(out, self.columns, self.chunks(), fmt)


class _SeriesRows(Sequence[tuple[Any, ...]]):
    """The rows of an :class:`AlignmentSeries` as one sequence: iterated a date at a time,
    computed whole when indexed."""

    def __init__(self, chunks: Callable[[], Iterator[PairScores]]) -> None:
        self._chunks = chunks

    def __len__(self) -> int:
        return sum(len(chunk) for chunk in self._chunks())

    def __getitem__(self, index):
        return [row for chunk in self._chunks() for row in chunk][index]

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return (row for chunk in self._chunks() for row in chunk)


class PairScores(Sequence[tuple[Any, ...]]):
    """One date's rows of :func:`align_all`, kept as arrays: a row, a tuple ``(label, a, b,
    s_score, kappa)`` (kappa ``None`` where undefined), is made only when it is read, so that
    counting or slicing millions of pairs costs no Python object per pair."""

    def __init__(self, label: Any, codes: list[str], first: np.ndarray, second: np.ndarray,
                 scores: np.ndarray, kappas: np.ndarray) -> None:
        self.label = label
        self.codes = codes
        self.first, self.second = first, second
        self.scores, self.kappas = scores, kappas

    def __len__(self) -> int:
        return len(self.first)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(self._rows(index))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return next(self._rows(slice(index, index + 1)))

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return self._rows(slice(None))

    def _rows(self, part: slice) -> Iterator[tuple[Any, ...]]:
        np = _numpy()
        from itertools import repeat

        names = np.array(self.codes, dtype=object)
        first, second = self.first[part], self.second[part]
        kappas = self.kappas[part]
        kappa_values = kappas.tolist()
        if np.isnan(kappas).any():
            kappa_values = [None if math.isnan(k) else k for k in kappa_values]
        # Rows are tuples built by zip in C: a Python loop per pair would dominate the time.
        return zip(repeat(self.label), names[first].tolist(), names[second].tolist(),
                   self.scores[part].tolist(), kappa_values)


# --- blocs, centrality, chains, changes --------------------------------------------------------


def blocs(
    store: Store,
    *,
    at: str | None = None,
    seed: int = DEFAULT_SEED,
    resolution: float = 1.0,
) -> Table:
    """Blocs: Louvain communities of the weighted alignment graph on a day, reproducibly.

    The graph is :func:`kg.network.alignment_graph` (states in existence; an edge's ``weight`` is
    the sum of the levels of the commitments two states share). Communities maximise modularity
    with the Louvain method (Blondel et al. 2008, ``networkx.community.louvain_communities``)
    with a fixed ``seed``: the same data, seed and resolution give the same partition. A state
    without ties is a bloc of its own.

    Returns
    -------
    Table
        Columns ``bloc, size, state, name``: one row per state, blocs numbered from 1 by size
        (largest first, ties by their first code), states in code order.

    Examples
    --------
    >>> from kg.store import open_store
    >>> table = blocs(open_store("memory"), at="1990")
    >>> table.columns, table.rows[0][0], table.rows[0][1] == len([r for r in table.rows if r[0] == 1])
    (['bloc', 'size', 'state', 'name'], 1, True)
    """
    if isinstance(resolution, bool) or not isinstance(resolution, (int, float)) \
            or not math.isfinite(resolution) or resolution <= 0:
        raise UsageError(f"--resolution {resolution!r} is not a positive number: give a number above 0")
    import networkx as nx

    graph = alignment_graph(store, at=at)
    communities = nx.community.louvain_communities(graph, weight="weight", seed=seed,
                                                   resolution=resolution)
    ordered = sorted((sorted(c) for c in communities), key=lambda c: (-len(c), c[0]))
    table = Table(["bloc", "size", "state", "name"])
    for number, members in enumerate(ordered, start=1):
        for code in members:
            table.rows.append([number, len(members), code, graph.nodes[code]["label"]])
    return table


def _link_graph(store: Store, at: str | None, include_universal: bool) -> nx.MultiGraph:
    """Memberships (every role) and partnerships on a day, as one undirected multigraph."""
    import networkx as nx

    members = membership_graph(store, at=at)
    partners = partnership_graph(store, at=at)
    graph = nx.MultiGraph(at=members.graph["at"])
    for source in (members, partners):
        for node, attrs in sorted(source.nodes(data=True)):
            graph.add_node(node, **{k: v for k, v in attrs.items() if k != "bipartite"})
    for u, v, attrs in sorted(members.edges(data=True), key=lambda e: (e[2]["member"], e[2]["organization"])):
        org = attrs["organization"]
        strength = tie_level(graph.nodes[org]["org_kind"]) if attrs["role"] in ("member", "founding member") else 1
        graph.add_edge(attrs["member"], org, link="membership", detail=attrs["role"],
                       level=tie_level(graph.nodes[org]["org_kind"]), strength=strength,
                       start=attrs["start"], end=attrs["end"], sources=attrs["sources"])
    for u, v, key, attrs in sorted(partners.edges(keys=True, data=True),
                                   key=lambda e: (e[3]["partner"], e[3]["counterpart"], e[2])):
        graph.add_edge(attrs["partner"], attrs["counterpart"], link="partnership",
                       detail=f"{attrs['framework']} ({attrs['status']})", level=1, strength=1,
                       start=attrs["start"], end=attrs["end"], sources=attrs["sources"])
    if not include_universal:
        universal = [n for n, a in graph.nodes(data=True) if is_universal(a)]
        graph.remove_nodes_from(universal)
        graph.remove_nodes_from([n for n in list(graph) if graph.degree(n) == 0])
    return graph


def centrality(
    store: Store,
    *,
    at: str | None = None,
    include_universal: bool = False,
) -> Table:
    """Degree, betweenness and eigenvector centrality of states and organisations on a day.

    The graph links members to organisations (every role) and partners to counterparts, as one
    simple undirected graph; organisations whose kind gives no tie (the UN, the OECD:
    :data:`kg.network.TIE_LEVELS` 0) are left out unless ``include_universal``, as they join
    every pair of states in two steps and would take all the betweenness.

    - ``degree``: the number of distinct nodes linked (memberships, members, partners);
    - ``betweenness``: the share of shortest paths between other pairs that pass through the node
      (Freeman 1977; Brandes 2001; normalised by ``(n - 1)(n - 2) / 2``);
    - ``eigenvector``: the node's entry in the principal eigenvector of the adjacency matrix
      (Bonacich 1972), unit length, non-negative: high for nodes linked to central nodes.

    Returns
    -------
    Table
        Columns ``node, name, kind, degree, betweenness, eigenvector``, by betweenness, then
        degree (both descending), then code.
    """
    import networkx as nx
    np = _numpy()

    links = _link_graph(store, at, include_universal)
    graph = nx.Graph(links)
    nodes = sorted(graph)
    betweenness = nx.betweenness_centrality(graph, normalized=True) if nodes else {}
    eigen: dict[str, float] = {}
    if nodes:
        matrix = nx.to_numpy_array(graph, nodelist=nodes, weight=None)
        values, vectors = np.linalg.eigh(matrix)
        principal = vectors[:, int(np.argmax(values))]
        principal = np.abs(principal) / (np.linalg.norm(principal) or 1.0)
        eigen = dict(zip(nodes, principal.tolist(), strict=True))
    table = Table(["node", "name", "kind", "degree", "betweenness", "eigenvector"])
    for node in nodes:
        attrs = graph.nodes[node]
        kind = attrs["org_kind"] or attrs["kind"]
        table.rows.append([_code(node), attrs["label"], kind, graph.degree(node),
                           betweenness[node], eigen[node]])
    table.rows.sort(key=lambda r: (-r[4], -r[3], r[0], r[2]))
    return table


def alignment_path(
    store: Store,
    a: str,
    b: str,
    *,
    at: str | None = None,
    include_universal: bool = False,
) -> Table:
    """The shortest chain of alignment from one state (or organisation) to another on a day.

    The chain goes through memberships, partnerships and aligning stances (support, aid) in force
    (the graph of :func:`centrality`, universal organisations left out unless asked for, with the
    dated stances; NZL's support of UKR is a chain of one link). It has the fewest
    links; among chains equally short, the one through the strongest commitments (a full
    membership of an organisation of tie level L costs ``1 + (3 - L) / 100``; an observer's,
    associate's or suspended member's seat and a partnership count as level 1).

    Returns
    -------
    Table
        Columns ``step, from, to, link, detail, start, end, sources``: one row per link of each
        step (two nodes can be linked more than once, e.g. by several partnerships); no rows
        (and a note) when no chain exists.

    Raises
    ------
    UsageError
        A code that is neither a state nor an organisation of the graph.

    Examples
    --------
    >>> from kg.store import open_store
    >>> for row in alignment_path(open_store("memory"), "NZL", "NOR").rows:
    ...     print(*row[:5])
    1 NZL NATO partnership DIALOGUE (active)
    1 NZL NATO partnership IPCP (active)
    1 NZL NATO partnership ITPP (negotiating)
    1 NZL NATO partnership PATG (active)
    2 NATO NOR membership founding member
    """
    import networkx as nx

    links = _link_graph(store, at, include_universal)
    codes = []
    from kg.names import node_key, resolve

    for option, text in (("a", a), ("b", b)):
        code = text.strip()
        if code not in links and code.upper() in links:
            code = code.upper()
        if code not in links or text.startswith(("http://", "https://")):
            # a name, an ISO alpha-2 code, a QID or an IRI (kg.names)
            code = node_key(resolve(store, text, ("actor",), option=option), links.nodes)
        codes.append(code)
    if codes[0] == codes[1]:
        raise UsageError(f"a and b are the same: {codes[0].split('@', 1)[0]} (give two different "
                         "states or organisations)")
    _add_stances(store, links)
    table = Table(["step", "from", "to", "link", "detail", "start", "end", "sources"])
    known = set(state_periods(store))
    for option, code in zip(("a", "b"), codes, strict=True):
        if code not in links:
            if code in known or code.upper() in known:
                table.notes.append(f"{code} has no membership or partnership on {links.graph['at']}")
                return table
            raise UsageError(f"{option}: {code!r} is not a state or organisation with links "
                             f"on {links.graph['at']}")
    simple = nx.Graph()
    for u, v, attrs in links.edges(data=True):
        cost = 1.0 + (3 - attrs["strength"]) / 100.0
        if not simple.has_edge(u, v) or simple.edges[u, v]["cost"] > cost:
            simple.add_edge(u, v, cost=cost)
    try:
        path = nx.dijkstra_path(simple, codes[0], codes[1], weight="cost")
    except nx.NetworkXNoPath:
        table.notes.append(f"no chain of alignment joins {codes[0]} and {codes[1]} on {links.graph['at']}")
        return table
    for step, (u, v) in enumerate(pairwise(path), start=1):
        found = sorted(links.get_edge_data(u, v).values(),
                       key=lambda e: (e["link"], e["detail"], e["start"]))
        for attrs in found:
            table.rows.append([step, _code(u), _code(v), attrs["link"], attrs["detail"],
                               attrs["start"], attrs["end"], attrs["sources"]])
    return table


def _code(key: str) -> str:
    """The code of a projection's node key (``NAM@org`` is the organisation ``NAM``)."""
    return key.split("@", 1)[0]


#: The stances that make a chain of alignment (a sanction is a tie against, not with).
ALIGNING_STANCES = ("support", "aid")


def _add_stances(store: Store, links: nx.MultiGraph) -> None:
    """Add to ``links`` the aligning stances (support, aid) in force on its day, between nodes
    it has (``link`` ``stance``, level 1). Undated stances are left out: nothing says they held
    that day."""
    from kg.dates import parse_date
    from kg.network import edge_rows, in_force

    day = parse_date(links.graph["at"])
    for row in edge_rows(store):
        if row["kind"] != "stance" or row["label"] not in ALIGNING_STANCES or not row["start"]:
            continue
        if row["source"] not in links or row["target"] not in links:
            continue
        if not in_force(row["start"], row["end"], day):
            continue
        links.add_edge(row["source"], row["target"], link="stance", detail=row["label"], level=1,
                       strength=1, start=row["start"], end=row["end"] or "",
                       sources=row["sources"] or "")


def changes(
    store: Store,
    since: str,
    until: str | None = None,
    *,
    state: str | None = None,
    org: str | None = None,
) -> Table:
    """What changed after one day up to another: who joined, who left, partnership steps.

    A membership spell whose start falls after ``since``'s last day and on or before ``until``'s
    last day is a ``joined`` row; one whose (exclusive) end falls there is a ``left`` row (its
    last day in the organisation is the day before); a partnership step that starts there is a
    ``partnership`` row with its framework and new status. ``until`` defaults to the dataset's
    "current as of" day.

    Returns
    -------
    Table
        Columns ``date, change, actor, with, detail, sources``, by date, then change, actor, with.
        ``state`` keeps the rows where it is the actor; ``org`` those where it is ``with``.
    """
    from kg.projection.readers import _partnerships, edge_rows  # the projections' reads

    try:
        after = parse_date(since).last_day()
    except ValueError as exc:
        raise UsageError(f"--from: {exc}") from None
    upto = resolve_day(store, until)
    if upto < after:
        raise UsageError(f"--to {until} is before --from {since}")

    def within(text: str | None) -> bool:
        if not text:
            return False
        first = parse_date(text).first_day()
        return after < first <= upto

    found: list[tuple[dt.date, list[Any]]] = []
    members: set[str] = set()
    organisations: set[str] = set()
    for row in edge_rows(store):
        if row["kind"] != "membership":
            continue
        members.add(row["source"])
        organisations.add(row["target"])
        for change, when in (("joined", row["start"]), ("left", row["end"])):
            if within(when):
                found.append((parse_date(when).first_day(),
                              [when, change, row["source"], row["target"], row["label"],
                               row["sources"] or ""]))
    for partnership in _partnerships(store):
        members.add(partnership.partner)
        organisations.add(partnership.counterpart)
        for start, _, status, sources in partnership.steps:
            if within(start):
                found.append((parse_date(start).first_day(),  # type: ignore[arg-type]
                              [start, "partnership", partnership.partner,
                               partnership.counterpart, f"{partnership.framework} {status}",
                               sources]))
    table = Table(["date", "change", "actor", "with", "detail", "sources"])
    wanted_state = state.strip().upper() if state else None
    wanted_org = org.strip().upper() if org else None
    for option, wanted, codes in (("--state", wanted_state, members), ("--org", wanted_org, organisations)):
        if wanted and wanted not in codes:
            close = difflib.get_close_matches(wanted, sorted(codes), n=3, cutoff=0.6)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise UsageError(f"{option} {wanted}: no membership or partnership of that code in the store.{hint}")
    for _, entry in sorted(found, key=lambda f: (f[0], f[1][1], f[1][2], f[1][3], f[1][4])):
        if wanted_state and entry[2] != wanted_state:
            continue
        if wanted_org and entry[3] != wanted_org:
            continue
        table.rows.append(entry)
    return table
