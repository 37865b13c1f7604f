"""Run per-policy work in this process, in a process pool, or on a Dask cluster, in order.

    for result in map_in_order(work, chunks, workers=2):          # a local process pool
    for result in map_in_order(work, chunks, scheduler="tcp://host:8786"):  # Dask

Results come back in the order of the items, whichever worker made them, so
the output does not depend on how the work was spread. At most a few items
per worker are in flight, so memory stays bounded however many items there are.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from privacy_labels.errors import PrivacyLabelsError

T = TypeVar("T")
R = TypeVar("R")
IN_FLIGHT_PER_WORKER = 2
CONNECT_SECONDS = 10


class SchedulerError(PrivacyLabelsError, RuntimeError):
    """The Dask scheduler cannot be used: Dask is missing or the address does not answer,
    or a worker died (killed, e.g. out of memory) before it finished its part.
    """


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_in_order(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int = 1,
    scheduler: str | None = None,
) -> Iterator[R]:
    """fn(item) for each item, in order: in this process when `workers` is 1 and there is
    no `scheduler`, else in `workers` processes, or on the Dask cluster at `scheduler`.
    """
    if scheduler is None and workers <= 1:
        yield from map(fn, items)
        return
    with _executor(workers, scheduler) as (executor, n_workers):
        pending: deque = deque()
        try:
            for item in items:
                pending.append(_submit(executor, fn, item))
                if len(pending) >= IN_FLIGHT_PER_WORKER * n_workers:
                    yield _result(pending.popleft())
            while pending:
                yield _result(pending.popleft())
        finally:
            for future in pending:  # the caller stopped early: drop the work not yet done
                future.cancel()


_WORKER_DIED = "a worker process died (out of memory?) before it finished"


def _submit(executor, fn, item):
    """Hand `item` to the pool; a pool broken by a dead worker is named, whenever it broke."""
    try:
        return executor.submit(fn, item)
    except BrokenProcessPool:
        raise SchedulerError(_WORKER_DIED) from None


class _NeverRaised(Exception):
    pass


def _killed_worker() -> type[Exception]:
    """Dask's KilledWorker when Dask is in use (it is imported then), without importing it."""
    scheduler = sys.modules.get("distributed.scheduler")
    return getattr(scheduler, "KilledWorker", _NeverRaised)


def _result(future):
    try:
        return future.result()
    except BrokenProcessPool:
        raise SchedulerError(_WORKER_DIED) from None
    except _killed_worker() as error:
        raise SchedulerError(f"a Dask worker died before it finished: {error}") from None


def _ignore_interrupts() -> None:
    """Ctrl-C reaches every process of the terminal: the main process alone answers it
    (one message, outputs unchanged); workers stop with the pool, without tracebacks.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def _executor(workers: int, scheduler: str | None):
    if scheduler is None:
        with ProcessPoolExecutor(workers, initializer=_ignore_interrupts) as pool:
            yield pool, workers
        return
    try:
        from distributed import Client
    except ImportError:
        raise SchedulerError(
            "a Dask scheduler needs Dask: pip install 'privacy-labels[distributed]'"
        ) from None
    try:
        client = Client(scheduler, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as error:
        raise SchedulerError(
            f"cannot reach the Dask scheduler at {scheduler!r} ({error}); "
            "check the address (e.g. tcp://10.0.0.5:8786) and that the scheduler runs"
        ) from None
    with client:
        yield client, max(1, sum(client.nthreads().values()))
