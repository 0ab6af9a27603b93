"""Names instead of codes (kg.names): every way of naming a resource answers as its code."""

from __future__ import annotations

import pytest

from kg.errors import UsageError
from kg.names import name_index, normalise, resolve, resolve_code


@pytest.mark.parametrize("text", ["NZL", "nzl", "Nzl", "NZ", "nz", "Q664", "q664", "New Zealand",
                                  "new zealand", "  NEW   ZEALAND ", "Aotearoa",
                                  "https://w3id.org/alignment-kg/id/state/NZL"])
def test_every_name_of_new_zealand_resolves_to_nzl(memory_store, text):
    assert resolve_code(memory_store, text, ("state",)) == "NZL"


@pytest.mark.parametrize("text", ["Türkiye", "turkiye", "TURKIYE", "TR", "tur"])
def test_accents_are_optional(memory_store, text):
    assert resolve_code(memory_store, text, ("state",)) == "TUR"


def test_organisations_events_and_subjects(memory_store):
    assert resolve_code(memory_store, "nato", ("org",)) == "NATO"
    assert resolve_code(memory_store, "North Atlantic Alliance", ("org",)) == "NATO"
    assert resolve_code(memory_store, "otan", ("org",)) == "NATO"
    assert resolve_code(memory_store, "nato-summit-2022-madrid", ("event",)) == "NATO-SUMMIT-2022-MADRID"
    assert resolve_code(memory_store, "nzl-nato-itpp", ("subject",)) == "NZL-NATO-ITPP"
    assert resolve_code(memory_store, "Cyber security", ("topic",)) == "CYBER-SECURITY"


def test_the_kind_decides_between_a_state_and_an_organisation_with_one_code(memory_store):
    # NAM is Namibia (a state) and the Non-Aligned Movement (an organisation).
    assert resolve(memory_store, "NAM", ("state",)).kind == "State"
    assert resolve(memory_store, "nam", ("org",)).kind == "Organization"
    assert resolve(memory_store, "Non-Aligned Movement", ("actor",)).kind == "Organization"
    assert resolve(memory_store, "namibia", ("actor",)).kind == "State"


def test_an_unknown_name_lists_the_three_nearest(memory_store):
    with pytest.raises(UsageError) as caught:
        resolve(memory_store, "New Zeland", ("state",))
    message = str(caught.value)
    assert "\n" not in message
    nearest = message.split("nearest: ", 1)[1].split(", ")
    assert len(nearest) == 3 and nearest[0] == "NZL (New Zealand)"


def test_a_partial_event_code_suggests_the_event_it_begins_first(memory_store):
    with pytest.raises(UsageError) as caught:
        resolve(memory_store, "NATO-SUMMIT-2025", ("event",))
    assert str(caught.value).split("nearest: ", 1)[1].startswith("NATO-SUMMIT-2025-THE-HAGUE")


def test_an_organisation_is_not_taken_for_a_state(memory_store):
    with pytest.raises(UsageError, match="unknown state 'NATO'"):
        resolve(memory_store, "NATO", ("state",))


def test_normalise_is_stable():
    assert normalise("Côte d’Ivoire") == normalise("cote d'ivoire") == "cote d ivoire"
    assert normalise("The Gambia") == "gambia"


def test_every_indexed_resource_resolves_by_its_own_label(memory_store):
    """No label is shadowed: each resource's label (if unique) resolves to that resource, except
    a former one's that a current one also has as a name (then its code does)."""
    index = name_index(memory_store)
    labels: dict[tuple[str, str], list] = {}
    for entry in index.entries:
        labels.setdefault((normalise(entry.label), entry.kind), []).append(entry)
    checked = 0
    for (label, kind), entries in labels.items():
        if len(entries) != 1 or kind not in ("State", "Organization", "Event"):
            continue
        kinds = {"State": ("state",), "Organization": ("org",), "Event": ("event",)}[kind]
        found = index.candidates(entries[0].label, kinds)
        if entries[0] not in found:
            # only a former state or organisation whose name a current one also has (Korea)
            assert not entries[0].current and found and all(f.current for f in found), entries[0]
            assert index.candidates(entries[0].code, kinds) == [entries[0]]
        checked += 1
    assert checked > 250


# --- the command line --------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["new zealand", "nz", "Q664", "nzl"])
def test_query_parameters_take_names(kg, text):
    expected = kg("query", "partnerships", "-p", "state", "NZL", "--format", "csv")
    got = kg("query", "partnerships", "-p", "state", text, "--format", "csv")
    assert got.exit_code == 0, got.output
    assert got.stdout == expected.stdout and "NATO,IPCP" in got.stdout


def test_an_unknown_parameter_name_is_one_line_with_three_candidates(kg):
    result = kg("query", "partnerships", "-p", "state", "Nw Zealand")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "nearest: NZL (New Zealand), " in lines[0]
    assert lines[0].count("), ") == 2


def test_align_and_analyse_take_names(kg):
    by_code = kg("align", "NZL", "AUS", "--from", "2000", "--to", "2001", "--format", "csv")
    by_name = kg("align", "New Zealand", "australia", "--from", "2000", "--to", "2001", "--format", "csv")
    assert by_name.exit_code == 0 and by_name.stdout == by_code.stdout
    path = kg("analyse", "path", "nz", "Norway", "--at", "2024-04-05", "--format", "csv")
    assert path.exit_code == 0 and "NZL,NATO" in path.stdout
    changes = kg("analyse", "changes", "--from", "2022", "--to", "2024", "--org", "nato",
                 "--state", "finland", "--format", "csv")
    assert changes.exit_code == 0 and "joined,FIN,NATO" in changes.stdout


def test_viz_takes_names_for_focus_and_org(kg, tmp_path):
    by_code = tmp_path / "code.html"
    by_name = tmp_path / "name.html"
    first = kg("viz", "--focus", "NZL", "--org", "NATO", "-o", str(by_code))
    second = kg("viz", "--focus", "New Zealand", "--org", "North Atlantic Treaty Organization",
                "-o", str(by_name))
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    assert by_code.read_bytes() == by_name.read_bytes()
    unknown = kg("viz", "--org", "NTO", "-o", str(tmp_path / "x.html"))
    assert unknown.exit_code == 2 and "--org: unknown organisation 'NTO'; nearest: NATO" in unknown.stderr


@pytest.mark.parametrize("text, today, former", [("Russia", "RUS", "XRUE"), ("Germany", "DEU", "XGER")])
def test_a_name_shared_with_a_former_state_is_todays(memory_store, text, today, former):
    index = name_index(memory_store)
    sharing = {e.code for e in index.entries if normalise(text) in {normalise(n) for n in (e.label, *e.aliases)}}
    assert {today, former} <= sharing  # the former state has the name too
    assert not next(e for e in index.entries if e.code == former).current
    assert resolve_code(memory_store, text, ("state",)) == today
