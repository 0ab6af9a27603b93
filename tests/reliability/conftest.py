"""Fixtures of the reliability tests: a loopback listener, a small tmpfs, hypothesis profiles."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from reliability.support import Listener

try:
    from hypothesis import HealthCheck, settings

    # Bounded: the whole of tests/reliability stays within a few minutes on two shared cores.
    settings.register_profile(
        "reliability", deadline=None, derandomize=True, database=None, print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    settings.load_profile("reliability")
except ImportError:  # pragma: no cover - hypothesis is in the `test` extra
    pass


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A socket on 127.0.0.1 that records the connections it accepts."""
    recorder = Listener()
    try:
        yield recorder
    finally:
        recorder.close()


@pytest.fixture
def tmpfs(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A small tmpfs (size from ``@pytest.mark.parametrize('tmpfs', [...], indirect=True)``, default
    2 MB), mounted for the test and unmounted after; skips when it cannot be mounted (not root)."""
    size = getattr(request, "param", "2m")
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    try:
        mounted = subprocess.run(check=False, args=["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)],
                                 capture_output=True, text=True)
    except FileNotFoundError:
        pytest.skip("cannot mount a tmpfs: no mount command")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a {size} tmpfs (needs root): {mounted.stderr.strip() or 'mount failed'}")
    try:
        yield mount_point
    finally:
        if subprocess.run(check=False, args=["umount", str(mount_point)], capture_output=True).returncode != 0:
            subprocess.run(check=False, args=["umount", "-l", str(mount_point)], capture_output=True)
