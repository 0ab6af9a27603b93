"""Answers as pandas DataFrames, for notebooks (pandas is an optional extra: ``alignment-kg[pandas]``).

>>> frame = to_dataframe(["member", "start"], [["NZL", "2012-06-04"], ["AUS", "2012"]])
>>> list(frame["member"])
['NZL', 'AUS']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["PANDAS_HINT", "to_dataframe"]

#: What to do when pandas is missing.
PANDAS_HINT = ("to_dataframe() needs pandas, an optional extra of alignment-kg: "
               "pip install 'alignment-kg[pandas]' (or pip install pandas)")


def to_dataframe(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Any:
    """A :class:`pandas.DataFrame` of ``rows`` under ``columns``, values as they are (numbers
    stay numbers, ``None`` becomes a missing value, dates stay text at their precision).

    Raises
    ------
    ModuleNotFoundError
        pandas is not installed; the message says how to install it.
    """
    try:
        import pandas
    except ImportError as exc:
        raise ModuleNotFoundError(PANDAS_HINT, name="pandas") from exc
    return pandas.DataFrame([list(row) for row in rows], columns=list(columns))
