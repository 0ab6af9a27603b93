"""Analysis outputs that explain themselves: blocs summarised, paths over every aligning tie,
arguments checked, no internal node keys in the output."""

from __future__ import annotations

import pytest

from kg.analysis import alignment_path, blocs, centrality
from kg.blocs import bloc_summary
from kg.errors import UsageError
from kg.network import alignment_graph, membership_graph


def test_the_summary_is_the_partition_regrouped(memory_store):
    per_state = blocs(memory_store, at="1990")
    summary = bloc_summary(memory_store, at="1990")
    listed = [code for row in summary.rows for code in row[3].split("; ")]
    assert sorted(listed) == sorted(row[2] for row in per_state.rows)
    assert len(listed) == len(set(listed))
    sizes = [row[1] for row in summary.rows if row[0] != "unaligned"]
    assert sizes == sorted(sizes, reverse=True) and all(size >= 2 for size in sizes)
    for row in summary.rows:
        assert row[1] == len(row[3].split("; "))


def test_unaligned_states_have_no_tie_and_come_last(memory_store):
    summary = bloc_summary(memory_store, at="1990")
    graph = alignment_graph(memory_store, at="1990")
    last = summary.rows[-1]
    assert last[0] == "unaligned"
    assert all(graph.degree(code) == 0 for code in last[3].split("; "))
    isolated = sorted(n for n in graph if graph.degree(n) == 0)
    assert last[3].split("; ") == isolated
    assert any("no tie to another state" in note for note in summary.notes)


def test_ties_are_shares_of_full_members(memory_store):
    summary = bloc_summary(memory_store, at="2024-04-05")
    members = membership_graph(memory_store, at="2024-04-05")
    for row in summary.rows:
        if row[0] == "unaligned" or not row[2]:
            continue
        codes = set(row[3].split("; "))
        for share in row[2].split(", "):
            org, fraction = share.rsplit(" ", 1)
            count, size = map(int, fraction.split("/"))
            if members.nodes[org]["kind"] != "organization":
                org = f"{org}@org"  # NAM: Namibia is the state, the Non-Aligned Movement NAM@org
            full = {m for m in members.neighbors(org)
                    if members.edges[m, org]["role"] in ("member", "founding member")}
            assert count == len(codes & full) and size == len(codes) and count * 2 >= size
            assert org != "UN"  # universal organisations give no tie
    nato_bloc = next(row for row in summary.rows if "NOR" in row[3].split("; "))
    assert "NATO " in nato_bloc[2]


def test_a_direct_stance_is_a_chain_of_one(memory_store):
    table = alignment_path(memory_store, "New Zealand", "Ukraine", at="2024-04-05")
    assert table.rows and {row[0] for row in table.rows} == {1}
    assert ["NZL", "UKR", "stance", "support"] == table.rows[0][1:5]


def test_a_sanction_is_not_a_chain(memory_store):
    table = alignment_path(memory_store, "NZL", "RUS", at="2024-04-05")
    assert all(row[3] != "stance" or row[4] in ("support", "aid") for row in table.rows)
    assert len({row[0] for row in table.rows}) >= 2


def test_the_same_state_twice_is_a_usage_error(memory_store):
    with pytest.raises(UsageError, match="a and b are the same: NZL"):
        alignment_path(memory_store, "NZL", "new zealand")


def test_no_internal_keys_in_outputs(memory_store):
    nodes = [row[0] for row in centrality(memory_store, at="2024-04-05").rows]
    assert "NAM" in nodes and not any("@" in node for node in nodes)
    path = alignment_path(memory_store, "Non-Aligned Movement", "IND", at="2024-04-05")
    assert path.rows[0][1] == "NAM" and not any("@" in str(cell) for row in path.rows for cell in row)


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0"])
def test_resolution_must_be_a_positive_number(kg, value):
    result = kg("analyse", "blocs", "--resolution", value)
    assert result.exit_code == 2 and "is not a positive number" in result.stderr


def test_blocs_cli_summary_and_per_state(kg):
    summary = kg("analyse", "blocs", "--at", "1990", "--format", "csv")
    assert summary.stdout.splitlines()[0] == "bloc,size,ties,members"
    assert summary.stdout.splitlines()[-1].startswith("unaligned,")
    per_state = kg("analyse", "blocs", "--at", "1990", "--per-state", "--format", "csv")
    assert per_state.stdout.splitlines()[0] == "bloc,size,state,name"
