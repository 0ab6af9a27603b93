"""Generate a synthetic world in the project's curated-table format, reproducibly.

    python benchmarks/generate.py --triples 100k --out /tmp/world-100k [--seed 1]

writes ``states.csv``, ``organizations.csv``, ``memberships.csv``, ``frameworks.csv``,
``topics.csv``, ``partnerships.csv``, ``partnership_steps.csv``, ``partnership_topics.csv``,
``events.csv``, ``participations.csv`` and ``sources.csv`` that ``kg build --data DIR`` accepts
(on top of the packaged data). Sizes are chosen so that the generated tables give about the
target number of triples; the same seed and target give byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import string
from pathlib import Path

__all__ = ["generate", "parse_size"]

# Triples each kind of row gives (measured on the loader's output; see benchmarks/README.md).
_PER_MEMBERSHIP = 16  # the spell (9-11) and its accession (6)
_SHARE_MEMBERSHIPS = 0.7
_KINDS = ["collective-defence-alliance", "security-partnership", "intelligence-alliance",
          "political-economic-union", "regional-organisation", "forum", "treaty-organisation"]
_STATUSES = ["proposed", "negotiating", "concluded", "active", "suspended", "ended"]


def parse_size(text: str) -> int:
    """``10k`` -> 10000, ``1M`` -> 1000000, ``2500`` -> 2500."""
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def _codes(prefix: str, count: int) -> list[str]:
    """``count`` distinct codes: ``X`` + three letters for states, ``prefix`` + number otherwise."""
    if prefix == "X":
        letters = ("".join(t) for t in itertools.product(string.ascii_uppercase, repeat=3))
        codes = [f"X{t}" for t in letters]
        if count > len(codes):
            raise ValueError(f"at most {len(codes)} synthetic states")
        return codes[:count]
    return [f"{prefix}{i:05d}" for i in range(1, count + 1)]


def _date(rng: random.Random, year: int) -> str:
    """A date in ``year`` at a random precision (mostly days, as curated data is)."""
    roll = rng.random()
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    if roll < 0.8:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}" if roll < 0.93 else f"{year:04d}"


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def generate(out: Path, triples: int, *, seed: int = 1, first_year: int = 1946,
             last_year: int = 2024) -> dict[str, int]:
    """Write a synthetic world of about ``triples`` triples to ``out``; return the row counts."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    memberships_wanted = max(50, int(triples * _SHARE_MEMBERSHIPS / _PER_MEMBERSHIP))
    n_states = min(17_000, max(30, memberships_wanted // 25))
    n_orgs = max(5, memberships_wanted // 120)
    n_sources = max(10, memberships_wanted // 50)
    states = _codes("X", n_states)
    orgs = _codes("XO", n_orgs)
    sources = [f"gen-{i:06d}" for i in range(1, n_sources + 1)]
    _write(out / "sources.csv", ["id", "kind", "publisher", "title", "published", "url", "author"],
           [[s, rng.choice(["news", "official", "treaty"]), f"Publisher {i % 97}", f"Report {s}",
             f"{rng.randint(first_year, last_year)}", "", ""] for i, s in enumerate(sources)])
    _write(out / "states.csv", ["code", "name", "source"],
           [[code, f"State {code}", rng.choice(sources)] for code in states])
    founded = {org: rng.randint(first_year, last_year - 10) for org in orgs}
    _write(out / "organizations.csv", ["code", "name", "kind", "founded", "source"],
           [[org, f"Organisation {org}", rng.choice(_KINDS), f"{founded[org]}-01-01", rng.choice(sources)]
            for org in orgs])
    rows = []
    while len(rows) < memberships_wanted:
        org, state = rng.choice(orgs), rng.choice(states)
        year = founded[org]
        spells = rng.randint(1, 3)
        for _ in range(spells):
            start = rng.randint(year, last_year)
            end = rng.randint(start + 1, last_year + 8) if rng.random() < 0.4 else None
            if end is not None and end > last_year:
                end = None
            role = "member" if rng.random() < 0.85 else rng.choice(["observer", "associate"])
            rows.append((org, state, role, f"{start}-01-01" if rng.random() < 0.5 else _date(rng, start),
                         f"{end}-01-01" if end else "", rng.choice(sources)))
            if end is None:
                break
            year = end
    unique = {}
    for row in rows:  # one spell per (org, member, start)
        unique.setdefault((row[0], row[1], row[3]), row)
    spells = sorted(unique.values())
    # drop overlapping spells of the same member in the same organisation
    kept, last_end = [], {}
    for org, state, role, start, end, source in spells:
        key = (org, state)
        if key in last_end and (last_end[key] is None or last_end[key] > start[:4]):
            continue
        kept.append([org, state, role, start, end, source])
        last_end[key] = end[:4] if end else None
    _write(out / "memberships.csv", ["org", "member", "role", "start", "end", "source"], kept)
    # Partnerships with topics, steps; events with participants: about a quarter of the rest.
    topics = [f"XT{i:03d}" for i in range(1, 41)]
    frameworks = [f"XFW{i:02d}" for i in range(1, 9)]
    _write(out / "topics.csv", ["code", "label", "definition"],
           [[t, f"Topic {t}", f"Synthetic topic {t}"] for t in topics])
    _write(out / "frameworks.csv", ["code", "label", "org", "definition", "source"],
           [[f, f"Framework {f}", rng.choice(orgs), f"Synthetic framework {f}", rng.choice(sources)]
            for f in frameworks])
    n_partnerships = max(5, len(kept) // 10)
    partnerships, steps, covers = [], [], []
    seen = set()
    for _ in range(n_partnerships):
        state, org, fw = rng.choice(states), rng.choice(orgs), rng.choice(frameworks)
        pid = f"{state}-{org}-{fw}"
        if pid in seen:
            continue
        seen.add(pid)
        partnerships.append([pid, state, org, fw, rng.choice(sources)])
        year = rng.randint(founded[org], last_year - 2)
        for status in rng.sample(_STATUSES[:4], rng.randint(1, 3)):
            steps.append([pid, status, f"{year}-{rng.randint(1, 12):02d}", "", rng.choice(sources)])
            year += rng.randint(1, 2)
        for topic in rng.sample(topics, rng.randint(1, 3)):
            covers.append([pid, topic, rng.choice(sources)])
    steps = sorted({(r[0], r[1], r[2]): r for r in steps}.values())
    _write(out / "partnerships.csv", ["id", "partner", "counterpart", "framework", "source"], partnerships)
    _write(out / "partnership_steps.csv", ["partnership", "status", "start", "end", "source"], steps)
    _write(out / "partnership_topics.csv", ["partnership", "topic", "source"], covers)
    n_events = max(3, len(kept) // 60)
    events, participations = [], []
    for i in range(1, n_events + 1):
        org, year = rng.choice(orgs), rng.randint(first_year, last_year)
        code = f"XEV{i:06d}"
        day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 27):02d}"
        events.append([code, f"Summit {code}", "summit", org, day, day, f"City {i % 300}", rng.choice(sources)])
        for state in rng.sample(states, min(len(states), rng.randint(3, 12))):
            participations.append([code, state, rng.choice(["member", "partner", "guest"]), rng.choice(sources)])
    _write(out / "events.csv", ["code", "name", "kind", "org", "start", "end", "place", "source"], events)
    _write(out / "participations.csv", ["event", "participant", "role", "source"], participations)
    return {"states": len(states), "organizations": len(orgs), "memberships": len(kept),
            "partnerships": len(partnerships), "steps": len(steps), "events": len(events),
            "participations": len(participations), "sources": len(sources)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", default="100k", help="target size, e.g. 10k, 100k, 1M")
    parser.add_argument("--out", required=True, type=Path, help="directory to write the tables to")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    counts = generate(args.out, parse_size(args.triples), seed=args.seed)
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
