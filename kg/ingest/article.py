"""Reading an article: plain text or HTML, from a file or standard input, with its metadata.

HTML is reduced to its text with the standard library's parser (scripts, styles, navigation and
forms dropped; block elements end a paragraph), and its ``<title>`` and ``<meta>`` tags
(``og:title``, ``og:site_name``, ``article:published_time``, ``author``, ...) fill in what the
command line did not give.

>>> a = read_article(b"<html><head><title>T</title><meta property='article:published_time'"
...                  b" content='2024-04-05T10:00:00Z'></head><body><p>One.</p><p>Two.</p></body></html>")
>>> a.title, a.published, a.text
('T', '2024-04-05', 'One.\\n\\nTwo.')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html import unescape
from html.parser import HTMLParser

from kg.dates import parse_date
from kg.errors import DataError, UsageError

__all__ = ["Article", "read_article", "load_article"]

#: Larger inputs are refused: an article is text a reader reads, not a corpus.
MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class Article:
    """An article's text and what is known about it."""

    text: str
    url: str = ""
    title: str = ""
    publisher: str = ""
    published: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD
    author: str = ""


_SKIP = {"script", "style", "noscript", "nav", "footer", "header", "aside", "form", "svg", "template",
         "button", "select", "iframe"}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section",
          "article", "blockquote", "tr", "table", "figcaption", "main", "pre", "hr"}
_META = {
    "title": ("og:title", "twitter:title", "dc.title", "title"),
    "publisher": ("og:site_name", "publisher", "dc.publisher", "application-name"),
    "published": ("article:published_time", "datepublished", "pubdate", "publishdate", "date",
                  "dc.date", "dc.date.issued", "og:published_time", "sailthru.date"),
    "author": ("author", "article:author", "dc.creator", "byl"),
    "url": ("og:url",),
}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.in_title = False
        self.title = ""
        self.meta: dict[str, str] = {}
        self.canonical = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if key and values.get("content") and key not in self.meta:
                self.meta[key] = values["content"].strip()
        elif tag == "link" and values.get("rel", "").lower() == "canonical":
            self.canonical = values.get("href", "")
        elif tag == "title":
            self.in_title = True
        elif tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in _SKIP and self.skip:
            self.skip -= 1
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        elif not self.skip:
            self.parts.append(data)


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:2000].lower()
    return head.startswith(("<!doctype html", "<html")) or bool(re.search(r"<(p|div|body|head|article)[\s>]", head))


def _day(text: str) -> str:
    """The date at the start of a metadata value (``2024-04-05T10:00:00Z`` -> ``2024-04-05``)."""
    match = re.match(r"\s*(\d{4}(?:-\d{2}(?:-\d{2})?)?)", text)
    if not match:
        return ""
    try:
        return str(parse_date(match.group(1)))
    except ValueError:
        return ""


def read_article(data: bytes, *, name: str = "<article>") -> Article:
    """Decode ``data`` (UTF-8, plain text or HTML) into an :class:`Article`.

    Raises :class:`DataError` (naming ``name``) for an empty, binary or non-UTF-8 input.
    """
    if len(data) > MAX_BYTES:
        raise DataError(f"the article is larger than {MAX_BYTES // 1_000_000} MB", file=name)
    if not data.strip():
        raise DataError("the article is empty", file=name)
    if b"\x00" in data[:8192]:
        raise DataError("the article is a binary file, not text or HTML", file=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(f"not UTF-8 text (byte {exc.start + 1})", file=name, line=line) from None
    if not _looks_like_html(text):
        return Article(text=_clean(text))
    parser = _Text()
    parser.feed(text)
    parser.close()
    meta = parser.meta
    found = {field: next((meta[k] for k in keys if meta.get(k)), "") for field, keys in _META.items()}
    return Article(
        text=_clean("".join(parser.parts)),
        url=found["url"] or parser.canonical,
        title=unescape(found["title"] or parser.title).strip(),
        publisher=found["publisher"],
        published=_day(found["published"]),
        author=found["author"],
    )


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    paragraphs = [re.sub(r"[ \t\f\v]+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p.replace("\n", " ") for p in paragraphs if p)


def load_article(path: str, *, url: str = "", title: str = "", publisher: str = "",
                 published: str = "", stdin: bytes | None = None) -> Article:
    """Read the article at ``path`` (``-``: ``stdin``) and let the given metadata override what
    the page says. ``published`` is checked as a date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``)."""
    if path == "-":
        data = stdin or b""
        name = "<stdin>"
    else:
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from None
        name = path
    article = read_article(data, name=name)
    if published:
        try:
            published = str(parse_date(published))
        except ValueError as exc:
            raise UsageError(f"--published: {exc}") from None
    given = {"url": url, "title": title, "publisher": publisher, "published": published}
    return replace(article, **{k: v for k, v in given.items() if v})
