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
so any query there is refused (``_refuse_queries``) instead of corrupting them.
"""

import multiprocessing
import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
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


def _child(send: Connection, budget: Budget, func: Callable[..., Any], args: tuple) -> None:
    for connection in connections.all(initialized_only=True):
        connection.execute_wrappers.append(_refuse_queries)
    used = _address_space()
    if used:
        limit = used + budget.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = int(budget.seconds) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    try:
        result = func(*args)
    except MemoryError:
        send.send(("memory", None))
    except BaseException as exc:  # reported to the parent, which raises it there
        try:
            send.send(("error", exc))
        except Exception:  # an exception that does not pickle goes as its words
            send.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    else:
        send.send(("ok", result))
    finally:
        send.close()


def run_within_budget(func: Callable[..., T], *args: Any, budget: Budget, what: str) -> T:
    """``func(*args)`` in a forked child, or BudgetExceeded. ``what`` names the work for
    the reasons ("The document took too long to make: …"). An exception in ``func`` is
    raised here as it was (it must pickle)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, budget, func, args), daemon=True)
    started = time.monotonic()
    child.start()
    send.close()
    try:
        if not receive.poll(budget.seconds):
            child.kill()
            raise BudgetExceeded(
                f"{what} took too long to make: it was stopped after "
                f"{budget.seconds:g} seconds. Make the longest sections or tables shorter, "
                "then try again",
                kind="time",
            )
        try:
            outcome, value = receive.recv()
        except (EOFError, OSError):
            child.join(5)
            raise BudgetExceeded(
                f"{what} could not be made: the renderer stopped "
                f"(exit code {child.exitcode}) after {time.monotonic() - started:.0f} "
                f"seconds, most likely out of memory (the limit is {budget.memory_mb:,} MB). "
                "Make the longest sections or tables shorter, then try again",
                kind="crash",
            ) from None
    finally:
        receive.close()
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
    if outcome == "memory":
        raise BudgetExceeded(
            f"{what} needed more memory than the {budget.memory_mb:,} MB allowed. Make the "
            "longest sections or tables shorter, then try again",
            kind="memory",
        )
    if outcome == "error":
        raise value
    return value
