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
_COORDINATED = re.compile(r"(?i)\b(?:and|but|although|though|while)\s+(?:the\s+)?(?:(?:was|were|is|are|has|have|had|been|later|then|"
                          r"finally|eventually)\s+)*$")
_TITLE = re.compile(r"(?:(?:Prime|Foreign|Defen[cs]e|Deputy Prime) Minister|President|Chancellor|King|Queen|"
                    r"Emir|Premier|Foreign Secretary|Secretary of State)\s+(?:[A-Z][\w'-]+\s+){1,3}")
_PREPOSITION_BEFORE = re.compile(r"(?i)\b(to|for|on|against|with|of|in|from|at|by|into|toward|towards|"
                                 r"over|about|between|and)\s+(?:the\s+)?$")
_CLAUSES = re.compile(r"(?i),\s*(?:but|although|though|while|whereas)\s+|;\s*|,\s+and\s+(?=(?:they|it|he|she|we)\b)")
_GENERIC = re.compile(r"(?i)\bthe (" + "|".join(GENERIC) + r")\b")
_TOPIC_STOP = {"and", "of", "the", "in", "on", "for", "a", "an", "to", "security", "international"}


#: Trigger words of membership changes, with where their states stand: "before" ("X joined"),
#: "after" ("admitted X"), or "either" (decided by what stands next to the word).
_TRIGGERS = (
    ("readmission", re.compile(r"(?i)\b(readmit\w*|re-admit\w*|reinstat\w*|lift(?:ed|s|ing)? the suspension of|"
                               r"lift(?:ed|s|ing)? (?:\w+ ){0,2}suspension|restor(?:ed|es|ing) (?:\w+ ){0,2}membership|"
                               r"suspension (?:\w+ ){0,3}(?:was|were|is|has been) lifted|"
                               r"rejoin\w*)\b"), "either"),
    ("suspension", re.compile(r"(?i)\b((?:was|were|is|are|been|remains?|remained|be) suspended|suspended|"
                              r"suspension of|suspend(?:s|ing)?|excluded from)\b"), "either"),
    ("withdrawal", re.compile(r"(?i)\b(withdr[ae]w(?:n)? from|withdrawal (?:of|from)|left|leave|leaving|quit|quits|"
                              r"exit(?:ed|s)?(?: from)?|pulled out of|ceased? to be (?:a )?members?(?: of)?|"
                              r"expelled|expulsion of)\b"), "either"),
    ("membership", re.compile(r"(?i)\b(joined|joins|join|joining|"
                              r"became (?:a|an|the|its|the \w+'s)(?: \w+){0,2} (?:member|partner|observer)|"
                              r"becom(?:e|es|ing) (?:a|an|the \w+) (?:full |new )?(?:member|partner|observer)|"
                              r"acceded to|accession (?:of|to)|admitted|admission of|added|to include|including|"
                              r"welcomed|formed|founded (?:in \d{4} )?by|founding members?|granted (?:\w+ ){0,2}status|"
                              r"(?:has|have|had) been an? (?:full )?(?:member|observer|partner|associate)|"
                              r"(?:is|are|was|were|remains?) an? (?:full )?(?:observer|associate)|an? observer (?:of|to|in))\b"),
     "either"),
)
_AFTER_WORDS = re.compile(r"(?i)^(admitted|admission of|added|to include|including|welcomed|founded by|"
                          r"suspension of|lift\w* the suspension of|readmit\w*|re-admit\w*|reinstat\w*|expelled|"
                          r"expulsion of|withdrawal of|accession of|suspended|suspend\w*)$")
_ROLE_WORDS = re.compile(r"(?i)\b(?P<role>partner country|partner status|observer status|observer|associate|"
                         r"dialogue partner|partner)\b")
_PROSPECTIVE = re.compile(r"(?i)\b(appl(?:y|ied|ies|ication)|bid|candidacy|seeks?|sought|wants?|wanted|hopes?|"
                          r"aims?|plans?|intends?|invited|invitation|will|would|could|may|might|expected)\b"
                          r"(?:\s+\w+){0,3}\s+(?:to\s+)?(?:join|become|accede|membership|be admitted)")
_SEPARATOR = re.compile(r"^(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*,?\s+as well as\s+)(?:the\s+)?$")
_PLURAL = re.compile(r"(?i)\b(?:the|all|both) (?:(?:two|three|four|five|six|\d+|nordic|sahel|military-led|"
                     r"west african|three military-led) )*(?:countries|states|nations|juntas|governments|members)\b")


def _triggers(text: str) -> list[tuple[str, re.Match[str], str]]:
    """Every trigger of a membership change, in order, longest first where two overlap."""
    found: list[tuple[str, re.Match[str], str]] = []
    for kind, pattern, direction in _TRIGGERS:
        for match in pattern.finditer(text):
            if any(m.start() < match.end() and match.start() < m.end() for _, m, _ in found):
                continue
            found.append((kind, match, direction))
    return sorted(found, key=lambda t: t[1].start())


def _adjacent(text: str, states: list[Mention], match: re.Match[str], direction: str) -> list[str]:
    """The codes of the list of states next to a trigger: after it for "admitted X", else the
    list that ends just before it ("Mali, Burkina Faso and Niger left")."""
    states = [m for m in states if not m.demonym]  # "two former French colonies": not an actor
    after = [m for m in states if m.start >= match.end()]
    before = [m for m in states if m.end <= match.start()]

    def run(ordered: list[Mention], gap_of) -> list[Mention]:
        chosen: list[Mention] = []
        for mention in ordered:
            if not chosen or mention.start == chosen[-1].start:  # "the three countries": one span
                chosen.append(mention)
            elif _SEPARATOR.match(gap_of(chosen[-1], mention)):
                chosen.append(mention)
            else:
                break
        return chosen

    def forward_gap(a: Mention, b: Mention) -> str:
        return text[a.end:b.start]

    def backward_gap(a: Mention, b: Mention) -> str:
        return text[b.end:a.start]

    word = re.sub(r"\s+", " ", match.group(0).strip())
    if word.lower() in ("joining", "joins", "joined", "join") and after \
            and len(text[match.end():after[0].start].split()) <= 2:
        return []  # "..., joining Belarus, Bolivia", "X joins Mali and Guinea": the others already there
    passive = re.search(r"(?i)\b(was|were|is|are|been|remains?|remained|be)\s+(?:\w+ly\s+)?$", text[:match.start()])
    if _AFTER_WORDS.match(word) and not passive and word.lower() not in ("suspended", "suspend"):
        near = after and len(text[match.end():after[0].start].split()) <= 3
        return [m.entry.code for m in run(after, forward_gap)] if near else []
    if _AFTER_WORDS.match(word) and after and len(text[match.end():after[0].start].split()) <= 3 and not passive:
        return [m.entry.code for m in run(after, forward_gap)]
    gap = re.sub(r",\s*(?:which|who|that|whose)\b[^,]*,", ",", text[before[-1].end:match.start()]) if before else ""
    if before and len(gap.split()) <= 12:
        chosen = run(list(reversed(before)), backward_gap)
        return [m.entry.code for m in reversed(chosen)]
    if after and len(text[match.end():after[0].start].split()) <= 3:
        return [m.entry.code for m in run(after, forward_gap)]
    return []


def _nearest_org(orgs: list[Mention], match: re.Match[str], limit: int) -> Entry | None:
    """The organisation named after the trigger (before the next one), else the nearest before it."""
    after = [m for m in orgs if match.end() <= m.start < limit]
    if after:
        return after[0].entry
    before = [m for m in orgs if m.end <= match.start()]
    return before[-1].entry if before else None


def _best_date(dates: list[DateMention], subjects: int, start: int, end: int) -> str:
    """The date nearest to the trigger (at ``start``..``end`` of its stretch of text); none when
    several subjects come with a list of dates ("after coups in 2021, 2022 and 2023")."""
    if not dates:
        return ""

    def distance(d: DateMention) -> int:
        return end - (d.start + len(d.text)) if d.start < start else d.start - end

    following = [d for d in dates if d.start >= end]
    if following and subjects > 1 and len({d.value for d in following}) > 1:
        return ""
    return min(following or dates, key=lambda d: (max(distance(d), 0), -len(d.value))).value


@dataclass
class _Context:
    """What the article has been about so far."""

    main_state: Entry | None = None
    main_org: Entry | None = None
    last_org: Entry | None = None
    last_state: Entry | None = None
    last_subject: Entry | None = None
    last_states: list[Entry] = field(default_factory=list)
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
        positions = [[i for i, w in enumerate(words) if w == c or w == c + "s" or w + "s" == c] for c in content]
        present = [p[0] for p in positions if p]
        enough = len(present) == len(content) or (len(content) >= 3 and len(present) >= len(content) - 1
                                                   and positions[0] and positions[-1])
        if enough and max(present) - min(present) <= 4:
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
        plural = _PLURAL.search(sentence.text)
        if plural and self.context.last_states and not any(
                plural.start() <= m.start < plural.end() + 3 for m in states):
            for entry in self.context.last_states:
                states.append(Mention(entry, plural.start(), plural.end(), plural.group(0)))
            contextual = True
        title = _TITLE.match(sentence.text)
        if title and self.context.main_state is not None and (not states or states[0].start > title.end()):
            states.append(Mention(self.context.main_state, title.start(), title.end(), title.group(0)))
            contextual = True
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
        done = bool(states) and self.memberships(text, states, orgs, base)
        attending = bool(_ATTEND.search(text) and _EVENT_WORD.search(text))
        if not done and not attending and state_codes and (org is not None or frameworks):
            done = self.partnership(text, states, org, frameworks, dates, hedged, base)
        if not done and not states and not orgs and self.context.partnership is not None:
            self.continued(text, dates, hedged)
        if states and attending:
            self.participation(text, states, org or self.context.last_org, dates, base)
        if state_codes:
            self.stances(text, states, base)
        if len({m.entry.code for m in states}) > 1:
            self.context.last_states = list(dict.fromkeys(m.entry for m in states))
        if states:
            self.context.last_state = states[-1].entry
            subjects = [m for m in states if not _OPPOSED.search(text[:m.start])]
            if subjects:
                self.context.last_subject = subjects[0].entry
        if orgs:
            self.context.last_org = orgs[-1].entry

    def memberships(self, text: str, states: list[Mention], orgs: list[Mention], base: float) -> bool:
        """Membership, withdrawal, suspension and readmission, trigger by trigger: each trigger
        takes the list of states next to it ("Mali, Burkina Faso and Niger left ..." before it,
        "... admitted Timor-Leste" after it), the organisation it names or the one the article
        is about, and the date nearest to it."""
        triggers = _triggers(text)
        if not triggers:
            return False
        found = False
        shared: list[str] = []
        for index, (kind, match, direction) in enumerate(triggers):
            following = triggers[index + 1][1].start() if index + 1 < len(triggers) else len(text)
            subjects = _adjacent(text, states, match, direction)
            nominal = re.match(r"(?i)the suspension|suspension", match.group(0))
            if not subjects and shared and (_COORDINATED.search(text[:match.start()]) or nominal):
                subjects = shared  # "X was suspended in 2009 ... and was readmitted in 2014"
            shared = subjects or shared
            if not subjects:
                continue
            framework = next((m for m in self.gazetteer.mentions(text[match.end():following], ("framework",))
                              if m.start <= 12), None)
            if framework is not None:
                continue  # "joined the Partnership for Peace": a partnership, read as one
            org = _nearest_org(orgs, match, following) or self.context.last_org or self.context.main_org
            if org is None:
                continue
            previous = triggers[index - 1][1].end() if index else 0
            window_start = max(previous, match.start() - 40)
            window = text[window_start:following]
            role = _ROLE_WORDS.search(text[max(0, match.start() - 10):match.end() + 40])
            prospective = bool(_PROSPECTIVE.search(text[max(0, match.start() - 40):match.end()])) or (
                kind == "membership" and bool(_HEDGE.search(text[max(0, match.start() - 25):match.start()])))
            if kind == "membership" and _NEGATION.search(text[max(0, match.start() - 25):match.start()]):
                continue
            dates = find_dates(window, self.article.published)
            date = "" if prospective else _best_date(dates, len(subjects), match.start() - window_start,
                                                     match.end() - window_start)
            detail = role.group("role").lower().replace(" country", "").replace(" status", "") if role else ""
            if prospective:
                detail = "prospective"
            confidence = base - (0.25 if prospective else 0) - (0.05 if org is not None and org not in
                                                               [m.entry for m in orgs] else 0)
            if detail == "partner" and any(f.org == org.code for f in self.gazetteer.by_kind("framework")):
                continue  # a partner of NATO has a partnership (a framework), not a role
            for code in subjects:
                if code == org.code:
                    continue
                self.add(Candidate(kind, code, org.code, detail, date, text, round(confidence, 2)))
                found = True
        return found

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
        trigger = _ATTEND.search(text)
        if trigger is not None and isinstance(states[0], Mention):
            near = _adjacent(text, states, trigger, "before")
            states = near or [m.entry.code for m in states if m.start < trigger.start()][-1:]
            if not states:
                return
        event = _event(self.gazetteer, org.code if org else "", text, dates)
        word = _EVENT_WORD.search(text)  # a sentence about attending names the event's kind
        detail = event.code if event else (word.group(1).lower() if word else "")
        date = next((d.value for d in dates), "")
        counterpart = org.code if org else ""
        for code in states:
            if code != counterpart:
                self.add(Candidate("participation", code, counterpart, detail, date, text,
                                   round(base - (0 if event else 0.2), 2)))

    def stances(self, text: str, states: list[Mention], base: float) -> None:
        """Support, aid and sanctions: the party is the state named right after the trigger
        ("support for Ukraine", "sanctions on Russia"), the actor the sentence's subject (a state
        not governed by a preposition), or the state the article is about."""
        first = min((t.start() for p in _STANCES.values() for t in p.finditer(text)), default=len(text))
        subjects = [m for m in states if m.start < first and not _PREPOSITION_BEFORE.search(text[:m.start])
                    and not _OPPOSED.search(text[:m.start])]
        for kind, pattern in _STANCES.items():
            for trigger in pattern.finditer(text):
                after = [m for m in states if m.start > trigger.start() and m.start - trigger.end() < 40]
                if not after:
                    continue
                party = after[0].entry.code
                actors = [m.entry.code for m in subjects if m.start < trigger.start() and m.entry.code != party]
                if not actors and self.context.main_state and self.context.main_state.code != party:
                    actors = [self.context.main_state.code]
                since = next((d for d in find_dates(text[trigger.start():], self.article.published)
                              if d.since), None)
                for actor in actors[:1]:
                    self.add(Candidate("stance", actor, party, kind, since.value if since else "", text,
                                       round(base - 0.1, 2)))
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
    merged: dict[tuple[str, ...], Candidate] = {}
    changes = ("membership", "withdrawal", "suspension", "readmission")
    for candidate in reader.context.found:
        # changes on different dates are different facts ("suspended in 2009 ... and again")
        key: tuple[str, ...] = (*candidate.key(), candidate.date) if candidate.kind in changes else candidate.key()
        kept = merged.get(key)
        if kept is None:
            merged[key] = candidate
        elif len(candidate.date) > len(kept.date):
            merged[key] = replace(candidate, confidence=max(candidate.confidence, kept.confidence))
        elif candidate.confidence > kept.confidence and candidate.date == kept.date:
            merged[key] = replace(kept, confidence=candidate.confidence)
    for key, candidate in list(merged.items()):  # an undated change said again with its date
        if candidate.kind in changes and not candidate.date and any(
                k[:4] == key[:4] and c.date for k, c in merged.items()):
            del merged[key]
    # a partnership without framework or date says less than another of the same pair: dropped
    for key, candidate in list(merged.items()):
        if candidate.kind == "partnership" and not candidate.framework and not candidate.date \
                and candidate.status != "active":
            if any(c is not candidate and c.kind == "partnership" and c.subject == candidate.subject
                   and c.object == candidate.object for c in merged.values()):
                del merged[key]
        elif candidate.kind == "partnership" and not candidate.framework and candidate.status == "negotiating":
            if any(c.kind == "partnership" and c.framework and c.status == "negotiating"
                   and c.subject == candidate.subject and c.object == candidate.object for c in merged.values()):
                del merged[key]
    order = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(merged.values(), key=lambda c: (order[c.kind], reader.context.found.index(
        next(f for f in reader.context.found if f.key() == c.key())), c.date))
