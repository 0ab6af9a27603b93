"""`kg validate`: exit 0 on the shipped data, exit 1 with a report naming the row of each problem."""

from __future__ import annotations

import pytest

from kg.cli import main

HEADER = "org,member,role,start,end,source,note\n"
GOOD = "NATO,NZL,observer,2029,2030,natowatch-2012-06-04,\n"


def test_shipped_data_is_valid(runner):
    result = runner.invoke(main, ["validate"])
    assert (result.exit_code, result.stdout) == (0, "valid\n")


def test_a_built_store_is_valid(runner, store_dir):
    result = runner.invoke(main, ["validate", "--store", str(store_dir)])
    assert (result.exit_code, result.stdout) == (0, "valid\n")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("NATO,NZL,member,2031-05,2031-01,natowatch-2012-06-04,", "end 2031-01 is not after start 2031-05"),
        ("NATO,ZZZ,member,2031,,natowatch-2012-06-04,", "unknown state or org code 'ZZZ' in column 'member'"),
        ("NATO,NZL,ally,2031,,natowatch-2012-06-04,", "role 'ally' is not one of: associate, founding member, member, observer, partner, suspended"),
        ("NATO,NZL,member,2031,,,", "no source: every fact must name one or more ids from sources.csv"),
        ("NATO,NZL,member,2031/01/01,,natowatch-2012-06-04,", "column 'start': malformed date '2031/01/01'"),
    ],
)
def test_each_problem_is_reported_at_its_row(runner, tmp_path, row, message):
    (tmp_path / "memberships.csv").write_text(HEADER + GOOD + row + "\n")
    result = runner.invoke(main, ["validate", "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"kg: error: {tmp_path / 'memberships.csv'}:3: {message}")
    assert "Traceback" not in result.stderr


def test_several_problems_in_one_report(runner, tmp_path):
    rows = ["NATO,ZZZ,member,2031,,natowatch-2012-06-04,", "NATO,NZL,member,2031,,,"]
    (tmp_path / "memberships.csv").write_text(HEADER + "\n".join(rows) + "\n")
    result = runner.invoke(main, ["validate", "--data", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "kg: error: 2 problems in the tables:"
    assert lines[1].startswith(f"  {tmp_path / 'memberships.csv'}:2: unknown state")
    assert lines[2].startswith(f"  {tmp_path / 'memberships.csv'}:3: no source")


def test_cross_resource_checks_name_the_row(runner, tmp_path):
    (tmp_path / "memberships.csv").write_text(HEADER + "NATO,NZL,member,1940,1941,natowatch-2012-06-04,\n")
    result = runner.invoke(main, ["validate", "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == (
        "kg: error: validation failed: 1 problem\n"
        f"{tmp_path / 'memberships.csv'}\n"
        "  line 2: NATO-NZL-1940: membership starts 1940-01-01, before NATO was founded (1949-08-24)"
        " [member-before-founding]\n")
