"""Generate a synthetic world in the project's curated-table format, reproducibly.

    python benchmarks/generate.py --triples 100k --out /tmp/world-100k [--seed 1]

writes ``sources.csv``, ``states.csv``, ``organizations.csv``, ``topics.csv``, ``frameworks.csv``,
``events.csv``, ``partnerships.csv``, ``memberships.csv``, ``partnership_steps.csv``,
``partnership_topics.csv`` and ``participations.csv`` that ``kg build --data DIR`` accepts on top
of the packaged data. The world has states, organisations founded over the years, membership
spells with joins and exits (and re-joins, founding members, observers and associates),
partnerships along a framework with a lifecycle of dated steps and topics, events with
participants, and the sources of every fact.

Sizes: the generator counts the triples each row gives (the loader's rules, see ``_TRIPLES``)
and stops when the world reaches ``--triples``, so the world's own named graph has the target
size to within one row (the packaged data, about 28,000 triples, comes on top). Shares: about
70 % memberships, 15 % partnerships, 12 % events, the rest states, organisations and sources.

Reproducible: the same seed, target and packaged data give byte-identical files. Codes never
collide with the packaged data: state codes are project codes (``X`` + three letters) that the
packaged tables do not use, the other codes are in ranges of their own (``XO00001``,
``XEV000001``, ``gen-000001``).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import random
import string
from collections import Counter
from pathlib import Path

__all__ = ["TRIPLES", "generate", "parse_size", "reserved_codes"]

#: Triples the loader (``kg/loaders/curated.py``) makes from each kind of generated row, as the
#: generator writes them (tests/test_benchmarks.py checks the totals against the loader).
TRIPLES = {
    "source": 7,          # type, code, kind, publisher, title, issued + precision
    "source_url": 1,      # schema:url, when the row has one
    "state": 4,           # type, code, label, source
    "organization": 7,    # type, code, label, kind, founded + precision, source
    "topic": 5,           # type, code, prefLabel, definition, inScheme
    "framework": 7,       # type, code, prefLabel, definition, inScheme, runBy, source
    "event": 11,          # type, code, label, kind, convenedBy, start + end (+ precisions), place, source
    "participation": 5,   # type, event, participant, role, source
    "partnership": 6,     # type, code, partner, counterpart, framework, source
    "step": 7,            # type, step, stepOf, status, start + precision, source
    "coverage": 5,        # topic, coverage, type, coveredTopic, source
    "membership": 12,     # type, organization, member, role, start + precision, source; accession (5)
    "membership_end": 2,  # end + precision
}
_SHARE_PARTNERSHIPS = 0.15
_SHARE_EVENTS = 0.12
_KINDS = ["collective-defence-alliance", "security-partnership", "intelligence-alliance",
          "political-economic-union", "regional-organisation", "forum", "treaty-organisation"]
_LIFECYCLE = ["proposed", "negotiating", "concluded", "active"]
_DATA = Path(__file__).resolve().parent.parent / "data"


def parse_size(text: str) -> int:
    """``10k`` -> 10000, ``1M`` -> 1000000, ``2.5M`` -> 2500000, ``2500`` -> 2500."""
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def reserved_codes(data: Path = _DATA) -> set[str]:
    """Every code and id used by the packaged tables (so that generated codes avoid them)."""
    codes: set[str] = set()
    for path in sorted(data.glob("*.csv")) if data.is_dir() else []:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                for column in ("code", "id"):
                    if row.get(column):
                        codes.add(row[column].strip())
    return codes


def _state_codes(count: int, reserved: set[str]) -> list[str]:
    """``count`` project state codes: ``X`` + three letters, skipping reserved ones."""
    letters = ("X" + "".join(t) for t in itertools.product(string.ascii_uppercase, repeat=3))
    codes = list(itertools.islice((c for c in letters if c not in reserved), count))
    if len(codes) < count:
        raise ValueError(f"at most {len(codes)} synthetic states")
    return codes


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
             last_year: int = 2024, reserved: set[str] | None = None) -> dict[str, int]:
    """Write a synthetic world of ``triples`` triples (to within one row) to ``out``.

    Returns the row counts per table and ``triples``, the number of triples the loader makes
    from the tables (the world's own named graph; the packaged data comes on top).
    """
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    reserved = reserved_codes() if reserved is None else reserved
    spells_wanted = max(50, int(triples * 0.7 / 12.8))
    n_states = min(17_000, max(80, spells_wanted // 25))
    n_orgs = max(12, spells_wanted // 120)
    n_sources = max(10, spells_wanted // 50)
    count = 0

    states = _state_codes(n_states, reserved)
    orgs = [f"XO{i:05d}" for i in range(1, n_orgs + 1)]
    sources = [f"gen-{i:06d}" for i in range(1, n_sources + 1)]
    source_rows = []
    for i, code in enumerate(sources):
        url = f"https://example.org/reports/{code}" if rng.random() < 0.3 else ""
        source_rows.append([code, rng.choice(["news", "official", "treaty"]), f"Publisher {i % 97}",
                            f"Report {code}", _date(rng, rng.randint(first_year, last_year)), url, ""])
        count += TRIPLES["source"] + (TRIPLES["source_url"] if url else 0)
    _write(out / "sources.csv", ["id", "kind", "publisher", "title", "published", "url", "author"],
           source_rows)
    _write(out / "states.csv", ["code", "name", "source"],
           [[code, f"State {code}", rng.choice(sources)] for code in states])
    count += TRIPLES["state"] * len(states)
    founded = {org: rng.randint(first_year, last_year - 10) for org in orgs}
    _write(out / "organizations.csv", ["code", "name", "kind", "founded", "source"],
           [[org, f"Organisation {org}", rng.choice(_KINDS), f"{founded[org]}-01-01", rng.choice(sources)]
            for org in orgs])
    count += TRIPLES["organization"] * len(orgs)
    topics = [f"XT{i:03d}" for i in range(1, 41)]
    frameworks = [f"XFW{i:02d}" for i in range(1, 9)]
    _write(out / "topics.csv", ["code", "label", "definition"],
           [[t, f"Topic {t}", f"Synthetic topic {t}"] for t in topics])
    _write(out / "frameworks.csv", ["code", "label", "org", "definition", "source"],
           [[f, f"Framework {f}", rng.choice(orgs), f"Synthetic framework {f}", rng.choice(sources)]
            for f in frameworks])
    count += TRIPLES["topic"] * len(topics) + TRIPLES["framework"] * len(frameworks)

    # Partnerships of states with organisations, each along a framework, with a lifecycle of
    # dated steps and one to three topics.
    partnerships, steps, covers = [], [], []
    seen: set[str] = set()
    budget = count + _SHARE_PARTNERSHIPS * triples
    while count < budget and len(seen) < len(states) * len(orgs) * len(frameworks) // 2:
        state, org, fw = rng.choice(states), rng.choice(orgs), rng.choice(frameworks)
        pid = f"{state}-{org}-{fw}"
        if pid in seen:
            continue
        seen.add(pid)
        partnerships.append([pid, state, org, fw, rng.choice(sources)])
        year = rng.randint(founded[org], last_year - 2)
        first = rng.randrange(len(_LIFECYCLE))
        lifecycle = _LIFECYCLE[first : first + rng.randint(1, 3)]
        for status in lifecycle:
            steps.append([pid, status, f"{year}-{rng.randint(1, 12):02d}", "", rng.choice(sources)])
            year = min(last_year, year + rng.randint(1, 2))
        chosen = rng.sample(topics, rng.randint(1, 3))
        for topic in chosen:
            covers.append([pid, topic, rng.choice(sources)])
        count += (TRIPLES["partnership"] + TRIPLES["step"] * len(lifecycle)
                  + TRIPLES["coverage"] * len(chosen))
    _write(out / "partnerships.csv", ["id", "partner", "counterpart", "framework", "source"],
           sorted(partnerships))
    _write(out / "partnership_steps.csv", ["partnership", "status", "start", "end", "source"], sorted(steps))
    _write(out / "partnership_topics.csv", ["partnership", "topic", "source"], sorted(covers))

    # Events convened by organisations, with participants.
    events, participations = [], []
    budget = count + _SHARE_EVENTS * triples
    while count < budget:
        org = rng.choice(orgs)
        year = rng.randint(founded[org], last_year)
        code = f"XEV{len(events) + 1:06d}"
        day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 27):02d}"
        events.append([code, f"Summit {code}", "summit", org, day, day, f"City {len(events) % 300}",
                       rng.choice(sources)])
        who = rng.sample(states, min(len(states), rng.randint(3, 12)))
        for state in who:
            participations.append([code, state, rng.choice(["member", "partner", "guest"]), rng.choice(sources)])
        count += TRIPLES["event"] + TRIPLES["participation"] * len(who)
    _write(out / "events.csv", ["code", "name", "kind", "org", "start", "end", "place", "source"], events)
    _write(out / "participations.csv", ["event", "participant", "role", "source"], sorted(participations))

    # Membership spells: a (state, organisation) pair gets one to three spells that never
    # overlap (a state leaves, then may join again), until the world has its size.
    spells = []
    pairs: set[tuple[str, str]] = set()
    while count < triples:
        if len(pairs) >= len(states) * len(orgs) // 2:
            raise ValueError("too few states and organisations for this many memberships")
        org, state = rng.choice(orgs), rng.choice(states)
        if (org, state) in pairs:
            continue
        pairs.add((org, state))
        year = founded[org]
        for number in range(rng.randint(1, 3)):
            if number == 0 and rng.random() < 0.1:
                role, start = "founding member", f"{year}-01-01"
            else:
                year = rng.randint(year, min(last_year, year + 30))
                role = "member" if rng.random() < 0.85 else rng.choice(["observer", "associate"])
                start = f"{year}-01-01" if rng.random() < 0.3 else _date(rng, year)
            end = rng.randint(year + 1, last_year + 15) if rng.random() < 0.4 else None
            if end is not None and end > last_year:
                end = None
            spells.append([org, state, role, start, f"{end}-01-01" if end else "", rng.choice(sources)])
            count += TRIPLES["membership"] + (TRIPLES["membership_end"] if end else 0)
            if end is None or count >= triples:
                break
            year = end
    _write(out / "memberships.csv", ["org", "member", "role", "start", "end", "source"], sorted(spells))

    counts = {"states": len(states), "organizations": len(orgs), "sources": len(sources),
              "memberships": len(spells), "partnerships": len(partnerships), "steps": len(steps),
              "topic_coverages": len(covers), "events": len(events),
              "participations": len(participations)}
    counts["triples"] = _count(counts, source_rows, spells)
    return counts


def _count(counts: dict[str, int], source_rows: list[list[object]], spells: list[list[object]]) -> int:
    """The exact number of triples the loader makes from the generated rows."""
    return (TRIPLES["source"] * len(source_rows) + TRIPLES["source_url"] * sum(1 for r in source_rows if r[5])
            + TRIPLES["state"] * counts["states"] + TRIPLES["organization"] * counts["organizations"]
            + TRIPLES["topic"] * 40 + TRIPLES["framework"] * 8
            + TRIPLES["partnership"] * counts["partnerships"] + TRIPLES["step"] * counts["steps"]
            + TRIPLES["coverage"] * counts["topic_coverages"]
            + TRIPLES["event"] * counts["events"] + TRIPLES["participation"] * counts["participations"]
            + TRIPLES["membership"] * len(spells)
            + TRIPLES["membership_end"] * sum(1 for s in spells if s[4]))


def busiest(directory: Path) -> dict[str, str]:
    """Codes to use as query parameters: the busiest organisation, state, event and so on."""
    def column(table: str, name: str) -> Counter[str]:
        with (directory / table).open(encoding="utf-8", newline="") as handle:
            return Counter(row[name] for row in csv.DictReader(handle))

    orgs = column("memberships.csv", "org").most_common(2)
    states = column("memberships.csv", "member").most_common(2)
    events = column("participations.csv", "event").most_common(1)
    partnerships = column("partnership_topics.csv", "partnership").most_common(2)
    frameworks = column("partnerships.csv", "framework").most_common(1)
    topics = column("partnership_topics.csv", "topic").most_common(1)
    with (directory / "events.csv").open(encoding="utf-8", newline="") as handle:
        year = next(r["start"][:4] for r in csv.DictReader(handle) if r["code"] == events[0][0])
    return {"org": orgs[0][0], "org2": orgs[1][0], "state": states[0][0], "state2": states[1][0],
            "event": events[0][0], "year": year, "partnership": partnerships[0][0],
            "partnership2": partnerships[1][0], "framework": frameworks[0][0], "topic": topics[0][0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", default="100k", help="target size of the world's graph, e.g. 10k, 100k, 1M")
    parser.add_argument("--out", required=True, type=Path, help="directory to write the tables to")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    counts = generate(args.out, parse_size(args.triples), seed=args.seed)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
