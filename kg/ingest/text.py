"""Text for the extractor: normalised, split into sentences, and its dates resolved.

>>> normalise("talks with N.A.T.O. on the I.T.P.P. \u201cmodel\u201d")
'talks with NATO on the ITPP "model"'
>>> [s.text for s in sentences("NATO met on Tuesday. Mr. Peters spoke.\\n\\nIt ended.")]
['NATO met on Tuesday.', 'Mr. Peters spoke.', 'It ended.']
>>> [(d.text, d.value) for d in find_dates("Talks began in June of 2023 and, since 2012, on 4 April.", "2024-04-05")]
[('in June of 2023', '2023-06'), ('since 2012', '2012'), ('on 4 April', '2024-04-04')]
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from kg.dates import parse_date

__all__ = ["Sentence", "DateMention", "normalise", "sentences", "find_dates"]

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_ABBREVIATIONS = ("Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Gen", "Lt", "Col", "Sen", "Rep", "Gov", "Sgt",
                  "Capt", "Adm", "Jr", "Sr", "No", "Vol", "vs", "etc", "Jan", "Feb", "Mar", "Apr",
                  "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "approx", "Inc", "Ltd", "Co", "Corp")
_SENTENCE_STARTERS = {"The", "This", "That", "These", "Those", "It", "Its", "They", "Their", "He", "She",
                      "We", "In", "On", "At", "A", "An", "But", "And", "However", "Meanwhile", "After",
                      "Before", "Since", "As", "While", "Negotiations", "According", "New", "Talks"}


@dataclass(frozen=True)
class Sentence:
    """A sentence and its position (paragraph number, sentence number in the article)."""

    text: str
    paragraph: int
    index: int


@dataclass(frozen=True)
class DateMention:
    """A date in a sentence: its words, its value at the precision given (``2023-06``), and
    whether it opens a period (``since 2012``)."""

    text: str
    value: str
    start: int
    since: bool = False


def normalise(text: str) -> str:
    """Straight quotes and apostrophes; dotted acronyms without dots (``N.A.T.O.`` -> ``NATO``,
    keeping a sentence's full stop where a new sentence follows)."""
    text = (text.replace("\u2018", "'").replace("\u2019", "'").replace("\u201c", '"')
            .replace("\u201d", '"').replace("\u2013", "-").replace("\u2014", " - "))

    def undot(match: re.Match[str]) -> str:
        letters = match.group(1).replace(".", "")
        following = text[match.end():match.end() + 20]
        starter = re.match(r"\s+([A-Z][a-z]+)", following)
        end = "." if following.startswith("\n") or (starter and starter.group(1) in _SENTENCE_STARTERS) else ""
        return letters + end

    return re.sub(r"\b((?:[A-Z]{1,2}\.){1,}[A-Z]{0,2}\.?)(?=[\s,;:)\"'!?]|$)",
                  lambda m: undot(m) if m.group(1).count(".") >= 2 or re.fullmatch(r"[A-Z]\.[A-Z]+\.?", m.group(1))
                  else m.group(1), text)


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` (paragraphs split on blank lines), in order."""
    text = normalise(text)
    out: list[Sentence] = []
    for number, paragraph in enumerate(p for p in re.split(r"\n\s*\n", text) if p.strip()):
        for part in _split(paragraph.replace("\n", " ")):
            if part.strip():
                out.append(Sentence(part.strip(), number, len(out)))
    return out


def _split(paragraph: str) -> list[str]:
    parts, start = [], 0
    for match in re.finditer(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])", paragraph):
        before = paragraph[start:match.start() + 1]
        word = re.search(r"(\w+)\.$", before)
        if word and (word.group(1) in _ABBREVIATIONS or len(word.group(1)) == 1):
            continue
        parts.append(paragraph[start:match.end()].strip())
        start = match.end()
    parts.append(paragraph[start:])
    return parts


def _weekday_before(published: dt.date, weekday: int) -> dt.date:
    """The last ``weekday`` on or before ``published`` (news says "on Wednesday" of the past week)."""
    return published - dt.timedelta(days=(published.weekday() - weekday) % 7)


def find_dates(sentence: str, published: str = "") -> list[DateMention]:
    """The dates ``sentence`` gives, resolved against the publication date where relative
    ("on Wednesday", "last year", "4 April" without a year), at the precision the text gives."""
    pub = parse_date(published) if published else None
    pub_day = pub.first_day() if pub and pub.precision == "day" else None
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match[str], value: str | None) -> None:
        if value is None or any(a < match.end() and match.start() < b for a, b in taken):
            return
        taken.append((match.start(), match.end()))
        since = bool(re.match(r"(?i)since|from\b", match.group(0)))
        found.append(DateMention(match.group(0), value, match.start(), since))

    month = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")(?:\.(?=\s*\d))?"
    lead = r"(?:(?:since|from|in|on|by|until|of|as of|during|early|late|mid-?)\s+)?"
    patterns = [
        (rf"(?i){lead}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{month},?\s+(?P<year>\d{{4}})", "dmy"),
        (rf"(?i){lead}{month}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})", "dmy"),
        (r"(?i)" + lead + r"(?P<year>\d{4})-(?P<m>\d{2})-(?P<day>\d{2})", "iso"),
        (rf"(?i){lead}{month}(?:\s+of)?,?\s+(?P<year>\d{{4}})", "my"),
        (rf"(?i){lead}{month}\s+(?:of\s+)?(?P<relyear>last|this|next) year", "mrel"),
        (rf"(?i){lead}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{month}(?!\w)", "dm"),
        (rf"(?i){lead}{month}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)", "dm"),
        (r"(?i)" + lead + r"(?<![\d-])(?P<year>(?:19|20)\d{2})(?![\d-]|s\b|'s\b)", "y"),
        (r"(?i)\b(?:on\s+)?(?:last\s+)?(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", "weekday"),
        (r"(?i)\b(?P<rel>last year|this year|next year|last month|this month|yesterday|today)\b", "rel"),
    ]
    for pattern, shape in patterns:
        for match in re.finditer(pattern, sentence):
            g = match.groupdict()
            value: str | None = None
            if g.get("month") and not g["month"][0].isupper():
                continue  # "may", "march": verbs, not months
            try:
                if shape in ("dmy", "iso"):
                    m = int(g["m"]) if shape == "iso" else _MONTHS[g["month"].lower().rstrip(".")]
                    value = dt.date(int(g["year"]), m, int(g["day"])).isoformat()
                elif shape == "mrel" and pub is not None:
                    year = pub.first_day().year + {"last": -1, "this": 0, "next": 1}[g["relyear"].lower()]
                    value = f"{year:04d}-{_MONTHS[g['month'].lower().rstrip('.')]:02d}"
                elif shape == "my":
                    value = f"{int(g['year']):04d}-{_MONTHS[g['month'].lower().rstrip('.')]:02d}"
                elif shape == "dm" and pub is not None:
                    m = _MONTHS[g["month"].lower().rstrip(".")]
                    year = pub.first_day().year
                    day = dt.date(year, m, int(g["day"]))
                    if pub_day is not None and day > pub_day + dt.timedelta(days=1) and \
                            not re.search(r"(?i)\b(will|next|upcoming|scheduled)\b", sentence):
                        day = dt.date(year - 1, m, int(g["day"]))
                    value = day.isoformat()
                elif shape == "y":
                    value = g["year"]
                elif shape == "weekday" and pub_day is not None:
                    value = _weekday_before(pub_day, _WEEKDAYS[g["weekday"].lower()]).isoformat()
                elif shape == "rel" and pub is not None:
                    year = pub.first_day().year
                    rel = g["rel"].lower()
                    value = {"last year": str(year - 1), "this year": str(year), "next year": str(year + 1)}.get(rel)
                    if value is None and pub.precision in ("month", "day"):
                        first = pub.first_day()
                        previous = (first.replace(day=1) - dt.timedelta(days=1))
                        value = {"this month": first.strftime("%Y-%m"), "last month": previous.strftime("%Y-%m")}.get(rel)
                    if value is None and pub_day is not None:
                        value = {"today": pub_day.isoformat(),
                                 "yesterday": (pub_day - dt.timedelta(days=1)).isoformat()}.get(rel)
            except (ValueError, KeyError):
                value = None
            add(match, value)
    return sorted(found, key=lambda d: d.start)
