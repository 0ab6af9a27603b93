"""Output files written whole or not at all: every ``-o`` of ``kg`` goes through :func:`atomic_output`.

The data is written to a file without a name in the target's directory (Linux ``O_TMPFILE``;
elsewhere a hidden ``.NAME.PID.part`` file beside the target), flushed to disk, given a name
and renamed over the target in one atomic ``rename``. So:

- a reader, a kill (even ``SIGKILL``) or a full disk never sees or leaves a truncated target:
  the previous file stays as it was until the new one is complete;
- a killed write leaves nothing behind: the unnamed file vanishes with the process (where
  ``O_TMPFILE`` is missing, the next write to the same target removes the ``.part`` file of a
  process that no longer runs);
- the target keeps its permission bits (a new file gets ``0666`` less the umask);
- a target that is a symbolic link, a FIFO, a device or a directory is refused, in one line:
  replacing it would silently turn a link into a file, and writing through it cannot be atomic.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from kg.errors import UsageError

__all__ = ["atomic_output", "check_target"]

_O_TMPFILE = getattr(os, "O_TMPFILE", 0)


def check_target(path: str | os.PathLike[str]) -> Path:
    """``path`` as a :class:`Path` if it may be written: missing, or a regular file (not a link).

    Raises :class:`UsageError` for a symbolic link, a directory, a FIFO or another special file.
    """
    target = Path(path)
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise UsageError(f"{target} is a symbolic link: kg replaces only regular files "
                         "(give the path the link points to)")
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise UsageError(f"{target} is {kind}: kg replaces only regular files")
    return target


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sweep(directory: Path, name: str) -> None:
    """Remove the ``.part`` files that writes of ``name`` left when they were killed."""
    pattern = re.compile(rf"\.{re.escape(name)}\.(\d+)\.part")
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)
            continue  # that writer is still running
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)


def _open_unnamed(directory: Path, mode: int) -> int | None:
    if not _O_TMPFILE:
        return None
    try:
        return os.open(directory, _O_TMPFILE | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), mode)
    except OSError:
        return None  # a file system without O_TMPFILE (EOPNOTSUPP, EISDIR on old kernels)


def _link_unnamed(fd: int, name: Path) -> None:
    """Give the ``O_TMPFILE`` file ``fd`` a name: ``linkat`` of ``/proc/self/fd/N`` with
    ``AT_SYMLINK_FOLLOW`` (a directory fd for ``/proc/self/fd`` makes :func:`os.link` call
    ``linkat`` with that flag, as a plain ``link`` would not follow the magic link)."""
    proc = os.open("/proc/self/fd", os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.link(str(fd), name, src_dir_fd=proc, follow_symlinks=True)
    finally:
        os.close(proc)


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], *, text: bool = False,
                  encoding: str = "utf-8", newline: str | None = None) -> Iterator[IO]:
    """A file object whose content replaces ``path`` when the ``with`` block ends normally.

    ``text``: a text file (``encoding``, ``newline`` as for :func:`open`); else binary. If the
    block raises (or the disk is full, or the process is killed), ``path`` is left as it was and
    nothing else remains. Raises :class:`UsageError` for a target that is not a regular file
    (:func:`check_target`) and :class:`OSError` when writing fails.
    """
    target = check_target(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    _sweep(directory, target.name)
    fd = _open_unnamed(directory, 0o600)
    named: Path | None = None
    if fd is None:
        named = directory / f".{target.name}.{os.getpid()}.part"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(named)
        fd = os.open(named, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    raw = os.fdopen(fd, "wb")
    handle: IO = io.TextIOWrapper(raw, encoding=encoding, newline=newline) if text else raw
    try:
        try:
            yield handle
            handle.flush()
            os.fchmod(fd, mode)
            os.fsync(fd)
            if named is None:
                named = directory / f".{target.name}.{os.getpid()}.part"
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(named)
                _link_unnamed(fd, named)
            os.replace(named, target)
            named = None
            _fsync_directory(directory)
        finally:
            with contextlib.suppress(OSError):
                handle.close()
    finally:
        if named is not None:
            with contextlib.suppress(OSError):
                os.unlink(named)
