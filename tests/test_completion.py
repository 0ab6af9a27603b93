"""Shell completion of codes and query names, as bash, zsh and fish ask for it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _complete(shell: str, words: str, cword: str) -> list[str]:
    env = {**os.environ, "_KG_COMPLETE": f"{shell}_complete", "COMP_WORDS": words,
           "COMP_CWORD": cword, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", "from kg.cli import main; main(prog_name='kg')"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_bash_completes_query_names():
    assert _complete("bash", "kg query membe", "2") == ["plain,members", "plain,members-of-both",
                                                       "plain,memberships"]


def test_bash_completes_state_codes_from_names():
    assert "plain,NZL" in _complete("bash", "kg align new", "2")
    assert "plain,NZL" in _complete("bash", "kg align nz", "2")


def test_parameter_names_then_codes():
    items = _complete("bash", "kg query partnerships -p st", "4")
    assert items[0] == "plain,state"
    assert "plain,NZL" in _complete("bash", "kg query partnerships -p state nz", "5")


def test_zsh_and_fish_show_the_names():
    zsh = _complete("zsh", "kg plot members nato", "3")
    assert zsh[:3] == ["plain", "NATO", "North Atlantic Treaty Organization"]
    fish = _complete("fish", "kg plot timeline new", "new")
    assert "plain,NZL\tNew Zealand" in fish


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_activation_scripts_exist(shell):
    env = {**os.environ, "_KG_COMPLETE": f"{shell}_source", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", "from kg.cli import main; main(prog_name='kg')"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and "_KG_COMPLETE" in done.stdout
