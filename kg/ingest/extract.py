"""Candidate facts from an article's sentences: rules over the graph's names.

Each sentence is read for the actors it names (through :mod:`kg.ingest.gazetteer`, with "the
alliance" and "they" resolved from what came before), its dates (:mod:`kg.ingest.text`), and
trigger words of each kind of fact. A sentence that names no actor but continues the one before
("Negotiations began in June of 2023", "The partnership will cover ...") is read against the
partnership the article is about. Hedged futures ("will conclude in the coming months") give a
status (negotiating) and no date.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from kg.ingest.article import Article
from kg.ingest.gazetteer import GENERIC, Entry, Gazetteer, Mention, fold
from kg.ingest.text import DateMention, Sentence, find_dates, sentences

__all__ = ["Candidate", "KINDS", "extract"]

#: The kinds of candidate fact, in output order.
KINDS = ("membership", "withdrawal", "suspension", "readmission", "partnership", "partnership-topic",
         "participation", "stance")


@dataclass(frozen=True)
class Candidate:
    """One candidate fact. ``detail`` is the framework and status, the topic, the event or the
    kind of stance; ``graph`` says what the graph holds where it conflicts."""

    kind: str
    subject: str
    object: str
    detail: str
    date: str
    evidence: str
    confidence: float
    against_graph: str = "unknown"
    graph: str = ""
    framework: str = ""
    status: str = ""

    def key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.subject, self.object, self.detail)


_HEDGE = re.compile(r"(?i)\b(will|would|could|may|might|expected|likely|plans?|intends?|set to|aims?|"
                    r"coming (?:weeks|months)|soon|hopes?|hopefully|future|to be finali[sz]ed|seeks?|"
                    r"applied|application|bid|candidate)\b")
_NEGATION = re.compile(r"(?i)\b(not|never|no longer|nor|rejected|denied|refused)\b")
_JOIN = re.compile(r"(?i)\b(joined|joins|join|joining|became (?:a|an|the \w+) (?:full |new )?member|"
                   r"become (?:a|an|the \w+) (?:full |new )?member|accession|acceded|accede|admitted|"
                   r"admission|welcomed? (?:\w+ ){0,3}as (?:a|an|its) (?:\w+ )?member)\b")
_LEAVE = re.compile(r"(?i)\b(withdr[ae]w|withdrawn|withdrawal|withdrawing|left|leave|leaving|quit|quits|"
                    r"exit|exited|exits|pulled out|pull out|ceased? to be (?:a )?members?|departure)\b")
_SUSPEND = re.compile(r"(?i)\b(suspend(?:ed|s|ing)?|suspension)\b")
_READMIT = re.compile(r"(?i)\b(readmit\w*|re-admit\w*|reinstat\w*|lift(?:ed|s|ing)? (?:\w+ ){0,3}suspension|"
                      r"suspension (?:\w+ ){0,3}(?:was |were |is )?lifted|restored? (?:\w+ ){0,2}membership|"
                      r"rejoin\w*|return(?:ed|s)? to)\b")
_PARTNER = re.compile(r"(?i)\b(partner(?:ship)?s?|programme|program|cooperation agreement|dialogue)\b")
_NEGOTIATING = re.compile(r"(?i)\b(negotiat\w*|talks|finali[sz]\w*|conclude|concluding|coming months|"
                          r"will (?:be )?(?:sign|agree)\w*)\b")
_SIGNED = re.compile(r"(?i)\b(signed|agreed|concluded|endorsed|approved|adopted|finali[sz]ed)\b")
_ATTEND = re.compile(r"(?i)\b(attend\w*|participat\w*|took part|take part|taking part|present at|"
                     r"joined (?:the )?(?:\w+ ){0,4}(?:summit|meeting))\b")
_EVENT_WORD = re.compile(r"(?i)\b(summit|meeting|ministerial|conference)\b")
_STANCES = {
    "sanctions": re.compile(r"(?i)\b(sanction\w*)\b"),
    "aid": re.compile(r"(?i)\b(aid|assistance|weapons|military help|donat\w+)\b"),
    "support": re.compile(r"(?i)\b(support\w*|back(?:s|ed|ing)|solidarity|stand(?:s)? with)\b"),
}
_PRONOUN = re.compile(r"(?i)^(?:\W*)(they|it|the (?:nation|country|government|state|island nation))\b")
_POSSESSIVE = re.compile(r"(?i)\b(the (?:nation|country|government|island nation)'s|their|its)\b")
_OPPOSED = re.compile(r"(?i)\b(against|war (?:with|on)|invasion (?:of|by)|attack(?:s|ed)? (?:on|by)|aggression (?:of|by))\s+(?:the\s+)?$")
_CLAUSES = re.compile(r"(?i),\s*(?:but|although|though|while|whereas)\s+|;\s*|,\s+and\s+(?=(?:they|it|he|she|we)\b)")
_GENERIC = re.compile(r"(?i)\bthe (" + "|".join(GENERIC) + r")\b")
_TOPIC_STOP = {"and", "of", "the", "in", "on", "for", "a", "an", "to", "security", "international"}
_ALL_SPEECH = re.compile(r"(?i)\b(member (?:countries|states|nations)|all members|its members)\b")


@dataclass
class _Context:
    """What the article has been about so far."""

    main_state: Entry | None = None
    main_org: Entry | None = None
    last_org: Entry | None = None
    last_state: Entry | None = None
    last_subject: Entry | None = None
    partnership: Candidate | None = None
    found: list[Candidate] = field(default_factory=list)


def _topic_matches(gazetteer: Gazetteer, sentence: str) -> list[Entry]:
    """Topics named in ``sentence``: by their label, or by all of its content words near each
    other ("international rules-based order" for "Rules-based international order")."""
    words = re.findall(r"[a-z]+", fold(sentence))
    found: list[Entry] = []
    folded = " " + " ".join(words) + " "
    for topic in gazetteer.by_kind("topic"):
        label_words = re.findall(r"[a-z]+", fold(topic.label))
        if " " + " ".join(label_words) + " " in folded:
            found.append(topic)
            continue
        content = [w for w in label_words if w not in _TOPIC_STOP]
        if not content:
            continue
        positions = [[i for i, w in enumerate(words) if w == c or w == c + "s"] for c in content]
        if all(positions) and max(p[0] for p in positions) - min(p[0] for p in positions) <= 4:
            found.append(topic)
    # the more specific label wins: "cyber security" names Cyber security, not Cyber defence too
    return [t for t in found if not any(o is not t and set(_words(t.label)) < set(_words(o.label))
                                        for o in found)]


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z]+", fold(text)) if w not in _TOPIC_STOP]


def _event(gazetteer: Gazetteer, org: str, sentence: str, dates: list[DateMention]) -> Entry | None:
    """The event of ``org`` the sentence speaks of: by place and date."""
    kind_word = _EVENT_WORD.search(sentence)
    best: tuple[int, Entry] | None = None
    for event in gazetteer.by_kind("event"):
        if org and event.org != org:
            continue
        score = 0
        city = event.place.split(",")[0].strip()
        if city and re.search(rf"(?i)\b{re.escape(city)}\b", sentence):
            score += 2
        if any(event.start.startswith(d.value[:7]) and len(d.value) >= 7 for d in dates):
            score += 2
        elif any(event.start.startswith(d.value[:4]) for d in dates):
            score += 1
        if kind_word and kind_word.group(1).lower() in fold(event.label):
            score += 1
        if score >= 3 and (best is None or score > best[0]):
            best = (score, event)
    return best[1] if best else None


class _Reader:
    def __init__(self, gazetteer: Gazetteer, article: Article) -> None:
        self.gazetteer = gazetteer
        self.article = article
        self.context = _Context()

    def add(self, candidate: Candidate) -> None:
        self.context.found.append(candidate)

    # -- actors ----------------------------------------------------------------------------
    def actors(self, sentence: Sentence) -> tuple[list[Mention], list[Mention], bool]:
        """States and organisations named (or referred to) in the sentence, and whether the
        subject came from context."""
        mentions = self.gazetteer.mentions(sentence.text)
        states = [m for m in mentions if m.entry.kind == "state"]
        orgs = [m for m in mentions if m.entry.kind == "org"]
        for match in _GENERIC.finditer(sentence.text):
            allowed = GENERIC[match.group(1).lower()]
            referent = self.context.last_org
            if referent is not None and (not allowed or referent.org_kind in allowed):
                orgs.append(Mention(referent, match.start(), match.end(), match.group(0)))
        contextual = False
        referent = self.context.last_subject or self.context.main_state
        pronoun = _PRONOUN.match(sentence.text)
        if pronoun and (not states or states[0].start > pronoun.end()) and referent is not None:
            states.insert(0, Mention(referent, pronoun.start(1), pronoun.end(1), pronoun.group(1)))
            contextual = True
        elif not states and referent is not None and (own := _POSSESSIVE.search(sentence.text)):
            states.insert(0, Mention(referent, own.start(1), own.end(1), own.group(1)))
            contextual = True
        states.sort(key=lambda m: m.start)
        orgs.sort(key=lambda m: m.start)
        return states, orgs, contextual

    # -- one sentence ----------------------------------------------------------------------
    def read(self, sentence: Sentence) -> None:
        text = sentence.text
        states, orgs, contextual = self.actors(sentence)
        dates = find_dates(text, self.article.published)
        hedged = bool(_HEDGE.search(text))
        base = 0.9 - (0.15 if contextual else 0) - (0.1 if hedged else 0)
        frameworks = [m.entry for m in self.gazetteer.mentions(text, ("framework",))]
        state_codes = list(dict.fromkeys(m.entry.code for m in states))
        org = orgs[0].entry if orgs else None
        if org is None and frameworks and frameworks[0].org:
            org = self.gazetteer.entry("org", frameworks[0].org)
        done = False
        if org is not None and state_codes:
            done = self.memberships(text, state_codes, org, states, orgs, dates, hedged, base)
        attending = bool(_ATTEND.search(text) and _EVENT_WORD.search(text))
        if not done and not attending and state_codes and (org is not None or frameworks):
            done = self.partnership(text, states, org, frameworks, dates, hedged, base)
        if not done and not states and not orgs and self.context.partnership is not None:
            self.continued(text, dates, hedged)
        if state_codes and attending:
            self.participation(text, state_codes, org or self.context.last_org, dates, base)
        if state_codes:
            self.stances(text, states, base)
        if states:
            self.context.last_state = states[-1].entry
            subjects = [m for m in states if not _OPPOSED.search(text[:m.start])]
            if subjects:
                self.context.last_subject = subjects[0].entry
        if orgs:
            self.context.last_org = orgs[-1].entry

    def memberships(self, text, states, org, state_mentions, org_mentions, dates, hedged, base) -> bool:
        """Membership, withdrawal, suspension and readmission: the states of the sentence in the
        organisation."""
        date = next((d.value for d in dates), "")
        subjects = [s for s in states if s != org.code]
        if not subjects:
            return False
        for kind, pattern in (("readmission", _READMIT), ("suspension", _SUSPEND),
                              ("withdrawal", _LEAVE), ("membership", _JOIN)):
            trigger = pattern.search(text)
            if not trigger:
                continue
            if kind == "suspension" and _READMIT.search(text):
                continue
            if kind == "membership" and (_NEGATION.search(text[:trigger.start()][-30:]) or _ALL_SPEECH.search(text)):
                continue
            if kind == "withdrawal" and not any(m.start > trigger.start() for m in org_mentions) \
                    and not re.search(r"(?i)withdrawal|exit|departure", trigger.group(0)):
                continue
            confidence = base - (0.25 if hedged and kind in ("membership", "withdrawal") else 0)
            for code in subjects:
                self.add(Candidate(kind, code, org.code, "prospective" if hedged and kind == "membership" else "",
                                   "" if hedged else date, text, round(confidence, 2)))
            return True
        return False

    def partnership(self, text, states, org, frameworks, dates, hedged, base) -> bool:
        """Partnerships, clause by clause ("a partner since 2012, although ... dialogue since
        2001" gives two), and the topics the sentence lists for them."""
        if not (_PARTNER.search(text) or frameworks):
            return False
        counterpart = org.code if org is not None else ""
        if not counterpart:
            return False
        last = None
        for clause in _CLAUSES.split(text):
            if not (_PARTNER.search(clause) or self.gazetteer.mentions(clause, ("framework",))):
                continue
            if re.search(r"(?i)\b(not|never|no longer)\b(?:\s+\w+){0,2}\s+(?:a\s+)?(?:partner|member)", clause):
                continue
            found = self.partnership_clause(clause, text, states, counterpart, base)
            last = found or last
        topics = _topic_matches(self.gazetteer, text)
        if last is not None and topics:
            for topic in topics:
                self.add(Candidate("partnership-topic", last.subject, counterpart, topic.code, "", text,
                                   round(last.confidence - 0.05, 2), framework=last.framework))
        return last is not None

    def partnership_clause(self, clause: str, text: str, states: list[Mention], counterpart: str,
                           base: float) -> Candidate | None:
        frameworks = [m.entry for m in self.gazetteer.mentions(clause, ("framework",))]
        framework = frameworks[0].code if frameworks else ""
        hedged = bool(_HEDGE.search(clause))
        dates = find_dates(clause, self.article.published)
        if _NEGOTIATING.search(clause):
            status = "negotiating"
        elif _SIGNED.search(clause) and not hedged:
            status = "agreed"
        elif re.search(r"(?i)\bsince\b|has been|have been|\bis an?\b|\bare\b|remains?|engaged", clause):
            status = "active"
        else:
            status = ""
        since = next((d for d in dates if d.since), None)
        date = since.value if since else ("" if hedged else next((d.value for d in dates), ""))
        if framework == "" and re.search(r"(?i)\bdialogue\b", clause):
            framework = "DIALOGUE" if self.gazetteer.entry("framework", "DIALOGUE") else ""
        detail = " ".join(p for p in (framework, status) if p) or "partner"
        confidence = base - (0.05 if not framework else 0) - (0.1 if hedged else 0)
        in_clause = [m.entry.code for m in states if re.search(rf"(?<!\w){re.escape(m.text)}(?!\w)", clause)]
        subjects = list(dict.fromkeys(in_clause or [m.entry.code for m in states]))
        last = None
        for code in subjects:
            if code == counterpart:
                continue
            last = Candidate("partnership", code, counterpart, detail, date, text, round(confidence, 2),
                             framework=framework, status=status)
            self.add(last)
        if last is not None and (framework or status == "negotiating"):
            self.context.partnership = last
        return last

    def continued(self, text, dates, hedged) -> None:
        """A sentence about the partnership the article is about, without naming it."""
        current = self.context.partnership
        assert current is not None
        if _NEGOTIATING.search(text) and dates and not hedged:
            self.add(replace(current, detail=" ".join(p for p in (current.framework, "negotiating") if p),
                             status="negotiating", date=dates[0].value, evidence=text,
                             confidence=0.75))
        elif _NEGOTIATING.search(text) and re.search(r"(?i)\b(began|started|opened|launched)\b", text) and dates:
            self.add(replace(current, status="negotiating", date=dates[0].value, evidence=text, confidence=0.7))
        if re.search(r"(?i)\b(partnership|programme|it|agreement)\b", text):
            for topic in _topic_matches(self.gazetteer, text):
                self.add(Candidate("partnership-topic", current.subject, current.object, topic.code, "", text,
                                   0.75, framework=current.framework))

    def participation(self, text, states, org, dates, base) -> None:
        if re.search(r"(?i)\b(multiple|several|many|various)\b", text):
            return
        event = _event(self.gazetteer, org.code if org else "", text, dates)
        detail = event.code if event else (_EVENT_WORD.search(text).group(1).lower())
        date = next((d.value for d in dates), "")
        counterpart = org.code if org else ""
        for code in states:
            if code != counterpart:
                self.add(Candidate("participation", code, counterpart, detail, date, text,
                                   round(base - (0 if event else 0.2), 2)))

    def stances(self, text, states, base) -> None:
        for kind, pattern in _STANCES.items():
            for trigger in pattern.finditer(text):
                after = [m for m in states if m.start > trigger.start() and m.start - trigger.end() < 40]
                before = [m for m in states if m.end <= trigger.start()]
                if not after:
                    continue
                party = after[0].entry.code
                actors = [m.entry.code for m in before if m.entry.code != party] or (
                    [self.context.main_state.code] if self.context.main_state and
                    self.context.main_state.code != party else [])
                if kind == "sanctions" and re.search(r"(?i)\bsanctions? (?:on|against)\b", text[trigger.start():trigger.end() + 10]) is None \
                        and not re.search(r"(?i)sanction(?:ed|s|ing)?\s", text[trigger.start():]):
                    continue
                for actor in actors[-1:]:
                    self.add(Candidate("stance", actor, party, kind, "", text, round(base - 0.1, 2)))
                break


def _main_entities(gazetteer: Gazetteer, article: Article, parts: list[Sentence]) -> tuple[Entry | None, Entry | None]:
    counts: Counter[tuple[str, str]] = Counter()
    for sentence in [Sentence(article.title, -1, -1), *parts]:
        for mention in gazetteer.mentions(sentence.text):
            counts[(mention.entry.kind, mention.entry.code)] += 1
    state = next((gazetteer.entry(*k) for k, _ in counts.most_common() if k[0] == "state"), None)
    org = next((gazetteer.entry(*k) for k, _ in counts.most_common() if k[0] == "org"), None)
    return state, org


def extract(gazetteer: Gazetteer, article: Article) -> list[Candidate]:
    """The candidate facts the article states, one per (kind, subject, object, detail), in the
    order of :data:`KINDS` then of first mention; the most specific date and the highest
    confidence of repeated statements are kept."""
    parts = sentences(article.text)
    reader = _Reader(gazetteer, article)
    reader.context.main_state, reader.context.main_org = _main_entities(gazetteer, article, parts)
    reader.context.last_org = reader.context.main_org
    for sentence in parts:
        reader.read(sentence)
    merged: dict[tuple[str, str, str, str], Candidate] = {}
    for candidate in reader.context.found:
        key = candidate.key()
        kept = merged.get(key)
        if kept is None:
            merged[key] = candidate
        elif len(candidate.date) > len(kept.date):
            merged[key] = replace(candidate, confidence=max(candidate.confidence, kept.confidence))
        elif candidate.confidence > kept.confidence and candidate.date == kept.date:
            merged[key] = replace(kept, confidence=candidate.confidence)
    # a partnership without framework or date says less than another of the same pair: dropped
    for key, candidate in list(merged.items()):
        if candidate.kind == "partnership" and not candidate.framework and not candidate.date:
            if any(c is not candidate and c.kind == "partnership" and c.subject == candidate.subject
                   and c.object == candidate.object for c in merged.values()):
                del merged[key]
        elif candidate.kind == "partnership" and not candidate.framework and candidate.status == "negotiating":
            if any(c.kind == "partnership" and c.framework and c.status == "negotiating"
                   and c.subject == candidate.subject and c.object == candidate.object for c in merged.values()):
                del merged[key]
    order = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(merged.values(), key=lambda c: (order[c.kind], reader.context.found.index(
        next(f for f in reader.context.found if f.key() == c.key()))))
