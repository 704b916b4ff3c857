"""Real concurrent calls, on PostgreSQL: threads with their own connections, released
together by a barrier."""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections


@dataclass
class Race:
    won: list[Any] = field(default_factory=list)  # what each winner's call returned
    lost: list[int] = field(default_factory=list)  # the runners refused with ``lost``
    errors: list[BaseException] = field(default_factory=list)


def race(
    work: Callable[[int], Any],
    *,
    runners: int,
    lost: tuple[type[BaseException], ...] = (),
    join_timeout: float = 30,
) -> Race:
    """Runs ``work(i)`` in ``runners`` threads at the same moment."""
    barrier = threading.Barrier(runners)
    result = Race()

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            result.won.append(work(i))
        except lost:
            result.lost.append(i)
        except BaseException as exc:  # reported by the test
            result.errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(runners)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=join_timeout)
    return result
