"""map_in_order: results in the items' order however the work is spread; a lost worker is named."""

from __future__ import annotations

import os
import signal

import pytest

from privacy_labels._parallel import SchedulerError, map_in_order


def slow_for_small(x: int) -> int:
    """Later items finish first, so order must come from the items, not from finishing."""
    import time

    time.sleep(0.02 * (5 - x % 5))
    return x * x


def killed_at_three(x: int) -> int:
    if x == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return x


@pytest.mark.parametrize("workers", [1, 2])
def test_results_come_in_the_items_order(workers):
    assert list(map_in_order(slow_for_small, range(12), workers=workers)) == [
        x * x for x in range(12)
    ]


def killed_at_first(x: int) -> int:
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize("repeat", range(10))
@pytest.mark.parametrize("work", [killed_at_three, killed_at_first], ids=["midway", "at-first"])
def test_a_worker_killed_midway_is_a_clear_error(work, repeat):
    with pytest.raises(SchedulerError, match="worker process died"):
        list(map_in_order(work, range(8), workers=2))


class BrokenPool:
    """A pool whose worker died: `submit` raises from the `n`-th call on, as a real one does
    once it has noticed; results of earlier submissions raise too.
    """

    def __init__(self, n: int):
        self.n, self.calls = n, 0

    def submit(self, fn, item):
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool

        self.calls += 1
        if self.calls >= self.n:
            raise BrokenProcessPool("A child process terminated abruptly")
        future = Future()
        future.set_exception(BrokenProcessPool("A child process terminated abruptly"))
        return future


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_a_pool_broken_while_work_is_submitted_is_a_clear_error(monkeypatch, n):
    import contextlib

    from privacy_labels import _parallel

    @contextlib.contextmanager
    def broken(workers, scheduler):
        yield BrokenPool(n), workers

    monkeypatch.setattr(_parallel, "_executor", broken)
    with pytest.raises(SchedulerError, match="worker process died"):
        list(map_in_order(slow_for_small, range(20), workers=2))


def test_a_killed_dask_worker_is_named_and_other_errors_pass_unchanged(monkeypatch):
    """Dask's KilledWorker (its module is loaded whenever Dask is used) becomes a
    SchedulerError; any other error of the work is raised as it is, never wrapped.
    """
    import sys
    import types
    from concurrent.futures import Future

    from privacy_labels import _parallel

    scheduler = types.ModuleType("distributed.scheduler")
    scheduler.KilledWorker = type("KilledWorker", (Exception,), {})
    monkeypatch.setitem(sys.modules, "distributed.scheduler", scheduler)
    killed, failed = Future(), Future()
    killed.set_exception(scheduler.KilledWorker("task x, worker tcp://w:1"))
    failed.set_exception(KeyError("a bug in the work"))
    with pytest.raises(SchedulerError, match="a Dask worker died before it finished: task x"):
        _parallel._result(killed)
    with pytest.raises(KeyError, match="a bug in the work"):
        _parallel._result(failed)
