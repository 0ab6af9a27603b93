"""No network below the parser: a seccomp filter that the query worker installs on itself.

``kg``'s text check (:func:`kg.query.check_user_query`) refuses ``SERVICE``, ``LOAD`` and
``FROM <url>``. This module is the second line: the forked child that evaluates a query
(:mod:`kg.stores.worker`) installs, before it evaluates, a seccomp-BPF filter under which

- ``socket()`` succeeds only for ``AF_UNIX``: any Internet (IPv4, IPv6), netlink or packet
  socket fails with ``EACCES``, so no TCP connection, UDP datagram or DNS query can leave it;
- ``io_uring_setup()`` fails (``io_uring`` can create sockets without the ``socket()`` call);
- on x86-64, system calls of the i386 and x32 ABIs fail (they would bypass the numbers above).

An update of an embedded store (``kg query --allow-update``) cannot be evaluated in a forked
child, which could not write the parent's engine: it runs in a thread of its own that installs
the same filter on itself (:func:`without_network`; the filter holds for one thread only).

The filter is inherited by nothing but the child, which ends after the one query; it needs no
privilege (``PR_SET_NO_NEW_PRIVS`` first, as the kernel requires of an unprivileged process) and
works as root. Landlock (Linux 6.7+, ABI 4) was considered: it restricts only TCP ``connect`` and
``bind``, not UDP; a user and network namespace (``unshare``) needs the namespaces enabled and
costs far more per query. The filter is 14 instructions written here with :mod:`ctypes`: a
binding such as ``pyseccomp`` would add a dependency on the C library libseccomp at run time for
no more than that.

Where the filter cannot be installed (not Linux, another architecture than x86-64 or AArch64, a
kernel without seccomp filters), :func:`guard_available` is false, the worker evaluates with the
text check alone, and ``kg serve`` says so in one line when it starts.

The filter is prepared in the parent when this module is imported (``ctypes`` is imported
there, never in the forked child, which must not take the import lock); the child only makes
two ``prctl`` calls.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

_T = TypeVar("_T")

__all__ = ["guard_available", "install_network_guard", "refused_by_guard", "without_network"]

# Linux constants (uapi/linux/prctl.h, seccomp.h, filter.h, audit.h).
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000
_BPF_LD_W_ABS = 0x20          # BPF_LD | BPF_W | BPF_ABS
_BPF_JEQ_K = 0x15             # BPF_JMP | BPF_JEQ | BPF_K
_BPF_JGE_K = 0x35             # BPF_JMP | BPF_JGE | BPF_K
_BPF_RET_K = 0x06             # BPF_RET | BPF_K
_AF_UNIX = 1
_X32_BIT = 0x40000000

#: machine -> (AUDIT_ARCH_*, __NR_socket, __NR_io_uring_setup, has the x32 ABI)
_ARCHITECTURES = {
    "x86_64": (0xC000003E, 41, 425, True),
    "aarch64": (0xC00000B7, 198, 425, False),
}


def _program(arch: int, nr_socket: int, nr_io_uring: int, x32: bool) -> list[tuple[int, int, int, int]]:
    """The filter as ``(code, jt, jf, k)`` instructions (jumps count the instructions skipped)."""
    deny_all = ctypes.c_uint32(_SECCOMP_RET_ERRNO | errno.ENOSYS).value
    deny = _SECCOMP_RET_ERRNO | errno.EACCES
    program = [
        (_BPF_LD_W_ABS, 0, 0, 4),                 # 0: A = seccomp_data.arch
        (_BPF_JEQ_K, 1, 0, arch),                 # 1: native ABI? -> 3
        (_BPF_RET_K, 0, 0, deny_all),             # 2: another ABI: refused
        (_BPF_LD_W_ABS, 0, 0, 0),                 # 3: A = seccomp_data.nr
    ]
    if x32:
        program.append((_BPF_JGE_K, 0, 1, _X32_BIT))   # x32 call? -> refused
        program.append((_BPF_RET_K, 0, 0, deny_all))
    program += [
        (_BPF_JEQ_K, 0, 1, nr_io_uring),          # io_uring_setup -> refused
        (_BPF_RET_K, 0, 0, deny),
        (_BPF_JEQ_K, 0, 3, nr_socket),            # not socket() -> allowed
        (_BPF_LD_W_ABS, 0, 0, 16),                # A = low half of args[0], the domain
        (_BPF_JEQ_K, 1, 0, _AF_UNIX),             # AF_UNIX -> allowed
        (_BPF_RET_K, 0, 0, deny),                 # any other domain: EACCES
        (_BPF_RET_K, 0, 0, _SECCOMP_RET_ALLOW),
    ]
    # The "not socket()" jump above lands on the last instruction (ALLOW): 3 forward.
    return program


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _prepare() -> tuple[Callable[..., int], _SockFprog, ctypes.Array[ctypes.c_char]] | None:
    if not sys.platform.startswith("linux"):
        return None
    spec = _ARCHITECTURES.get(platform.machine())
    if spec is None or sys.byteorder != "little":
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    program = _program(*spec)
    raw = b"".join(struct.pack("=HBBI", *instruction) for instruction in program)
    buffer = ctypes.create_string_buffer(raw, len(raw))
    fprog = _SockFprog(len(program), ctypes.cast(buffer, ctypes.c_void_p))
    return prctl, fprog, buffer


_PREPARED = _prepare()
_PROBED: bool | None = None


def install_network_guard() -> bool:
    """Deny the calling thread (and any thread or process it starts) every non-Unix socket,
    for good: in the single-threaded forked query worker, the whole process.

    Meant for the forked query worker and :func:`without_network`; returns ``False`` where the filter cannot be
    installed (then nothing changed). Takes no Python lock: safe in a child forked from a
    process with threads.
    """
    if _PREPARED is None:
        return False
    prctl, fprog, _buffer = _PREPARED
    if prctl(_PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0:
        return False
    return prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) == 0


def refused_by_guard(message: str, what: str = "query") -> str | None:
    """The engine's ``message`` on one line with the reason, when it says the filter refused a
    socket (``EACCES``, "os error 13"); ``None`` for any other message.

    >>> refused_by_guard("Permission denied (os error 13)", "update")
    'Permission denied (os error 13) (this update may not open network connections)'
    """
    if "os error 13" not in message:
        return None
    return f"{' '.join(message.split()).rstrip(':')} (this {what} may not open network connections)"


def without_network(action: Callable[[], _T]) -> _T:
    """Call ``action`` in a thread of its own that first installs the filter on itself, and
    return what it returns (or raise what it raises).

    The filter (``prctl``, without ``SECCOMP_FILTER_FLAG_TSYNC``) holds for that one thread and
    the threads it starts, and ends with it: the rest of the process keeps its network. For what
    must run in this process, such as a SPARQL update of an embedded store (its engine cannot
    be written from a forked child). Where the filter cannot be installed the action runs all
    the same, with the text check alone, as in the query worker.

    >>> without_network(lambda: 6 * 7)
    42
    """
    values: list[_T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            install_network_guard()
            values.append(action())
        except BaseException as error:  # noqa: BLE001 - handed to the calling thread
            errors.append(error)

    thread = threading.Thread(target=run, name="kg-without-network")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return values[0]


def guard_available() -> bool:
    """True when :func:`install_network_guard` works here (probed once, in a forked child that
    installs the filter and then tries to open an Internet socket)."""
    global _PROBED
    if _PROBED is None:
        _PROBED = _probe()
    return _PROBED


def _probe() -> bool:
    if _PREPARED is None or not hasattr(os, "fork"):
        return False
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child leaves through os._exit
        code = 3
        try:
            if install_network_guard():
                import socket as _socket  # already imported by the parent in practice

                try:
                    _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM).close()
                    code = 2
                except PermissionError:
                    code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0
