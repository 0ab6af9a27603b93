"""Every ``-o`` is written whole or not at all (kg.output.atomic_output).

- ``kg viz -o`` (HTML and PNG), ``kg network -o`` and ``kg align --all -o`` killed with SIGKILL at
  seeded random moments, from 5 % to 120 % of a run's duration: the target is always either the
  previous complete file or the new complete file, byte for byte, and nothing else is left in
  the directory.
- A full disk (a small tmpfs, as root) and a file size limit (``RLIMIT_FSIZE``, as anyone): the
  command fails with one line, the previous file is unchanged, nothing is left behind, and the
  space is given back.
- The target keeps its permission bits; a symbolic link, a FIFO or a directory is refused with
  one line (the link and what it points to unchanged, the FIFO never opened).
"""

from __future__ import annotations

import os
import random
import resource
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from reliability.support import KG, one_error_line

pytestmark = pytest.mark.reliability

#: (name, arguments writing the new file, arguments writing a different, older file, kills)
COMMANDS = [
    ("viz-html", ["viz", "-o", "{out}"], ["viz", "--at", "1950", "-o", "{out}"], 8, "graph.html"),
    ("viz-png", ["viz", "--format", "png", "-o", "{out}"],
     ["viz", "--format", "png", "--focus", "NZL", "-o", "{out}"], 8, "graph.png"),
    ("network", ["network", "-o", "{out}"], ["network", "--at", "1950", "-o", "{out}"], 8, "graph.graphml"),
    ("align-all", ["align", "--all", "--from", "2020", "--to", "2024", "-o", "{out}"],
     ["align", "--all", "--from", "2024", "--to", "2024", "-o", "{out}"], 8, "dyads.csv"),
    ("export", ["export", "-o", "{out}"], ["export", "--format", "ntriples", "-o", "{out}"], 8, "graph.ttl"),
]


def _args(template: list[str], out: Path, store: Path) -> list[str]:
    return [KG, *(a.replace("{out}", str(out)) for a in template), "--store", str(store)]


def _run(template: list[str], out: Path, store: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(_args(template, out, store), capture_output=True, text=True, timeout=300,
                          check=False, **kwargs)


def _debris(directory: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name not in keep)


@pytest.mark.parametrize(("name", "new", "old", "kills", "file"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_a_killed_output_is_the_old_file_or_the_new_one(name: str, new: list[str], old: list[str],
                                                        kills: int, file: str, store_dir: Path,
                                                        tmp_path: Path):
    reference = tmp_path / "reference"
    reference.mkdir()
    started = time.monotonic()
    done = _run(new, reference / file, store_dir)
    duration = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    new_bytes = (reference / file).read_bytes()
    work = tmp_path / "work"
    work.mkdir()
    target = work / file
    assert _run(old, target, store_dir).returncode == 0
    old_bytes = target.read_bytes()
    assert old_bytes != new_bytes
    started = time.monotonic()
    assert _run(new, reference / file, store_dir).returncode == 0  # warm: a better duration
    duration = min(duration, time.monotonic() - started)
    rng = random.Random(f"outputs-{name}")
    seen = {"old": 0, "new": 0}
    for _ in range(kills):
        delay = duration * rng.uniform(0.05, 1.2)
        process = subprocess.Popen(_args(new, target, store_dir), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        content = target.read_bytes()
        assert content in (old_bytes, new_bytes), f"a truncated {file} after a kill at {delay:.2f} s"
        seen["old" if content == old_bytes else "new"] += 1
        # An unnamed temporary file vanishes with the process: nothing is left beside the target.
        assert _debris(work, {file}) == []
        if content == new_bytes:  # start again from the old file, so that every kill can tell
            target.write_bytes(old_bytes)
    assert seen["old"] >= 1, seen  # some kills did land during the write


def _fill(directory: Path, leave: int) -> Path:
    """A file that takes all the free space of ``directory``'s file system but ``leave`` bytes."""
    filler = directory / "filler"
    stats = os.statvfs(directory)
    size = max(stats.f_bavail * stats.f_frsize - leave, 0)
    with open(filler, "wb") as handle:
        chunk = b"\0" * (1 << 20)
        while size > 0:
            try:
                size -= handle.write(chunk[: min(size, len(chunk))])
            except OSError:
                break
    return filler


@pytest.mark.parametrize("tmpfs", ["8m"], indirect=True)
@pytest.mark.parametrize(("name", "new", "old", "kills", "file"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_a_full_disk_keeps_the_previous_output(name: str, new: list[str], old: list[str], kills: int,
                                               file: str, tmpfs: Path, store_dir: Path):
    target = tmpfs / file
    assert _run(old, target, store_dir).returncode == 0
    old_bytes = target.read_bytes()
    os.chmod(target, 0o640)
    filler = _fill(tmpfs, leave=64 * 1024)
    free = os.statvfs(tmpfs).f_bfree
    done = _run(new, target, store_dir)
    assert done.returncode == 1
    assert "No space left on device" in one_error_line(done.stderr), done.stderr
    assert target.read_bytes() == old_bytes
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert _debris(tmpfs, {file, "filler"}) == []
    assert os.statvfs(tmpfs).f_bfree == free  # the space is given back
    filler.unlink()


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))


@pytest.mark.parametrize(("name", "new", "old", "kills", "file"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_a_file_size_limit_keeps_the_previous_output(name: str, new: list[str], old: list[str], kills: int,
                                                     file: str, tmp_path: Path, store_dir: Path):
    target = tmp_path / file
    assert _run(old, target, store_dir).returncode == 0
    old_bytes = target.read_bytes()
    done = _run(new, target, store_dir, preexec_fn=_limit_file_size)  # noqa: PLW1509
    assert done.returncode == 1
    assert "File too large" in one_error_line(done.stderr), done.stderr
    assert target.read_bytes() == old_bytes
    assert _debris(tmp_path, {file}) == []


def test_the_target_keeps_its_mode_and_a_new_file_follows_the_umask(tmp_path: Path, store_dir: Path):
    target = tmp_path / "private.csv"
    target.write_text("old\n")
    os.chmod(target, 0o600)
    done = _run(["align", "NZL", "AUS", "-o", "{out}"], target, store_dir)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text().startswith("date,a,b,s_score,kappa\n")
    fresh = tmp_path / "fresh.csv"
    done = _run(["align", "NZL", "AUS", "-o", "{out}"], fresh, store_dir,
                preexec_fn=lambda: os.umask(0o027))  # noqa: PLW1509
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o640


@pytest.mark.parametrize("command", [["export", "-o", "{out}"], ["viz", "-o", "{out}"],
                                     ["network", "-o", "{out}"], ["align", "--all", "--from", "2024",
                                                                  "--to", "2024", "-o", "{out}"]])
def test_links_fifos_and_directories_are_refused(command: list[str], tmp_path: Path, store_dir: Path):
    real = tmp_path / "real.txt"
    real.write_text("keep me\n")
    link = tmp_path / "link.out"
    link.symlink_to(real)
    fifo = tmp_path / "fifo.out"
    os.mkfifo(fifo)
    for target, what in ((link, "is a symbolic link"), (fifo, "is not a regular file")):
        done = _run(command, target, store_dir)
        assert done.returncode == 2, (target, done.stderr)
        assert what in one_error_line(done.stderr), done.stderr
    done = _run(command, tmp_path, store_dir)  # click's own usage error
    assert done.returncode == 2 and "is a directory" in done.stderr and "Traceback" not in done.stderr
    assert link.is_symlink() and real.read_text() == "keep me\n"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
