"""Run work that a person's content can make expensive (rendering a document) in a child
process with a time and a memory budget.

Why a child process: a renderer busy in C code (WeasyPrint's layout, Pango, HarfBuzz)
cannot be interrupted from Python, and a thread cannot be killed, so only a process
bounds it for real. The child is forked, so it has the loaded code, the settings and any
test's monkeypatches without starting again; it sets ``RLIMIT_AS`` (its address space
may grow by at most the memory budget: an allocation past it fails, as MemoryError in
Python or an abort in C) and ``RLIMIT_CPU`` (so it ends itself even if this process
dies). This process waits at most the time budget for the answer, then kills the child.

A Celery hard time limit alone would not do: it bounds time but not memory (one 58 KB
table took 722 MB, three took 2.1 GB, enough to have the whole worker OOM-killed), it
loses the task's own account of what happened, and the preview page runs in the web
process, outside Celery.

The work must not use the database: the child holds the parent's connection sockets,
so any query there is refused (``_refuse_queries``) instead of corrupting them. The child
is a bare ``os.fork``: a Celery worker's pool processes are daemonic, and
``multiprocessing`` will not start a child from one.
"""

import gc
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections

T = TypeVar("T")

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class Budget:
    seconds: float
    memory_mb: int


class BudgetExceeded(Exception):
    """The work ran out of time or memory, or died: ``reason`` says which, for a person."""

    def __init__(self, reason: str, *, kind: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind  # "time", "memory" or "crash"


def render_budget() -> Budget:
    return Budget(seconds=settings.CSP_RENDER_SECONDS, memory_mb=settings.CSP_RENDER_MEMORY_MB)


def preview_budget() -> Budget:
    """A page's budget: within the web server's request timeout (gunicorn's is 30 s)."""
    return Budget(seconds=settings.CSP_PREVIEW_SECONDS, memory_mb=settings.CSP_RENDER_MEMORY_MB)


def _address_space() -> int:
    """This process's virtual size now, in bytes (Linux)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * _PAGE
    except OSError:
        return 0


def _refuse_queries(*args: object, **kwargs: object) -> None:
    raise RuntimeError("Work run within a budget must not use the database")


def _child(budget: Budget, func: Callable[..., Any], args: tuple) -> tuple[str, Any]:
    for connection in connections.all(initialized_only=True):
        connection.execute_wrappers.append(_refuse_queries)
    used = _address_space()
    if used:
        limit = used + budget.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = int(budget.seconds) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    try:
        return ("ok", func(*args))
    except MemoryError:
        return ("memory", None)
    except BaseException as exc:  # reported to the parent, which raises it there
        return ("error", exc)


def _write(fd: int, outcome: tuple[str, Any]) -> None:
    try:
        data = pickle.dumps(outcome)
    except Exception:  # an exception that does not pickle goes as its words
        value = outcome[1]
        data = pickle.dumps(("error", RuntimeError(f"{type(value).__name__}: {value}")))
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def _read(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes until it closes the pipe; None at the deadline."""
    chunks: list[bytes] = []
    with os.fdopen(fd, "rb", buffering=0) as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([pipe], [], [], left)[0]:
                return None
            chunk = pipe.read(1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def run_within_budget(func: Callable[..., T], *args: Any, budget: Budget, what: str) -> T:
    """``func(*args)`` in a forked child, or BudgetExceeded. ``what`` names the work for
    the reasons ("The document took too long to make: …"). An exception in ``func`` is
    raised here as it was.

    A bare ``os.fork``, not ``multiprocessing``: a Celery worker's pool processes are
    daemonic, and multiprocessing refuses to start children from them."""
    started = time.monotonic()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        status = 1
        try:
            os.close(read_fd)
            for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT):
                signal.signal(number, signal.SIG_DFL)
            # The collector leaves the parent's objects alone here: scanning them would
            # write to (and so copy) every page they are on, and the child ends soon.
            gc.freeze()
            _write(write_fd, _child(budget, func, args))
            status = 0
        finally:
            os._exit(status)
    os.close(write_fd)
    data: bytes | None = None
    try:
        data = _read(read_fd, started + budget.seconds)
    finally:
        if data is None:
            os.kill(pid, signal.SIGKILL)
        _, wait_status = os.waitpid(pid, 0)
    if data is None:
        raise BudgetExceeded(
            f"{what} took too long to make: it was stopped after "
            f"{budget.seconds:g} seconds. Make the longest sections or tables shorter, "
            "then try again",
            kind="time",
        )
    if not data:
        code = os.waitstatus_to_exitcode(wait_status)
        raise BudgetExceeded(
            f"{what} could not be made: the renderer stopped (exit code {code}) after "
            f"{time.monotonic() - started:.0f} seconds, most likely out of memory (the limit "
            f"is {budget.memory_mb:,} MB). Make the longest sections or tables shorter, then "
            "try again",
            kind="crash",
        )
    outcome, value = pickle.loads(data)  # our own child's answer
    if outcome == "memory":
        raise BudgetExceeded(
            f"{what} needed more memory than the {budget.memory_mb:,} MB allowed. Make the "
            "longest sections or tables shorter, then try again",
            kind="memory",
        )
    if outcome == "error":
        raise value
    return value
