"""Sources fit for citation: no blog, forum, study deck, content farm or Wikipedia mirror in
``data/sources*.csv``, and every source well formed.

The hosts below were found cited in earlier versions of the data, or are of the same kinds; a
page of such a host is never the only support of a fact (``data/README.md``, "Sources").
"""

from __future__ import annotations

import csv
import re
from urllib.parse import urlsplit

import pytest

from kg.resources import data_dir

#: Hosts (and their subdomains) that are not sources: blogs and forums, study decks and
#: homework sites, content farms and SEO pages, Wikipedia mirrors and copies.
WEAK_HOSTS = frozenset("""
blogspot.com wordpress.com medium.com substack.com tumblr.com blogen.wiki
reddit.com quora.com stackexchange.com
kudo.tips gizmo.ai gktoday.in quizlet.com gyaankosh.com qa.edu.vn kampuspedia.com brainly.com
coursehero.com studocu.com scribd.com
worldpopulationreview.com worldatlas.com worldometers.info nationsonline.org officeholidays.com
visualfoodie.com pefafa.com filesoo.com thisday.fyi topnews.media rudysmetals.com
howstuffworks.com polspy.org allrefer.com datana.cloud weblio.jp yumpu.com docslib.org vlex.co.uk
wikimili.com liquisearch.com kiwix.prodb.cz wikipedia-on-ipfs.org wmcloud.org theinfolist.com
thefullwiki.org piglix.com azkurs.org academic.ru en-academic.com wikiwand.com owiki.org
omniatlas.com simple.wikipedia.org dbpedia.org everybodywiki.com alchetron.com infogalactic.com
unboundmedicine.com ecotaf.net satrapia.com
""".split())

#: Other marks of a page that is not a citable document.
WEAK_PATTERNS = (
    re.compile(r"^\d+\.\d+\.\d+\.\d+$"),            # a bare IP address
    re.compile(r"(^|\.)\d{4,}\."),                   # a numbered subdomain (845018.h0gkzb4o2.asia)
    re.compile(r"(^|\.)(?=[a-z0-9]{8,}\.)[a-z]*\d+(?:[a-z]+\d+){2,}[a-z0-9]*\."),  # digits among letters: h0gkzb4o2
    re.compile(r"\.cloudfront\.net$"),              # CDN links (a captcha image was cited)
)


def _rows():
    for path in sorted(data_dir().glob("sources*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                yield f"{path.name}:{line}", row


def _weak(host: str) -> bool:
    host = host.lower().rstrip(".").removeprefix("www.")
    parts = host.split(".")
    suffixes = {".".join(parts[i:]) for i in range(len(parts))}
    return bool(suffixes & WEAK_HOSTS) or any(p.search(host) for p in WEAK_PATTERNS)


@pytest.mark.parametrize(("host", "weak"), [
    ("chrisinbrnocr.blogspot.com", True), ("www.wikiwand.com", True), ("en.academic.ru", True),
    ("845018.h0gkzb4o2.asia", True), ("d33gy59ovltp76.cloudfront.net", True),
    ("www.nato.int", False), ("www.scochina2025.org.cn", False), ("www.g7germany2015.de", False), ("www.europarl.europa.eu", False), ("en.wikipedia.org", False), ("www.reuters.com", False),
    ("thecommonwealth.org", False), ("www.un.org", False),
])
def test_the_check_itself(host, weak):
    assert _weak(host) is weak


def test_no_source_is_a_blog_forum_study_deck_content_farm_or_mirror():
    weak = [f"{where}: {row['id']} {row['url']}" for where, row in _rows()
            if row["url"] and _weak(urlsplit(row["url"]).hostname or "")]
    assert weak == [], "weak sources:\n" + "\n".join(weak)


def test_every_source_is_well_formed():
    problems = []
    for where, row in _rows():
        url = row["url"]
        if url:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
                problems.append(f"{where}: malformed url {url!r}")
        if not row["publisher"].strip() or not row["title"].strip():
            problems.append(f"{where}: {row['id']} has no publisher or title")
    assert problems == []
