import datetime as dt

import pytest

from kg.dates import parse_date


@pytest.mark.parametrize(
    ("text", "precision", "first", "last"),
    [
        ("2012-06-04", "day", "2012-06-04", "2012-06-04"),
        ("2023-06", "month", "2023-06-01", "2023-06-30"),
        ("2024-02", "month", "2024-02-01", "2024-02-29"),
        ("2001", "year", "2001-01-01", "2001-12-31"),
    ],
)
def test_partial_dates(text, precision, first, last):
    date = parse_date(text)
    assert date.precision == precision
    assert date.first_day() == dt.date.fromisoformat(first)
    assert date.last_day() == dt.date.fromisoformat(last)
    assert str(date) == text


@pytest.mark.parametrize("text", ["2023-02-30", "2023-13", "23-01-01", "2023/01/01", "", "2023-1-1"])
def test_bad_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)
