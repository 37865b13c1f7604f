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


def test_a_worker_killed_midway_is_a_clear_error():
    with pytest.raises(SchedulerError, match="worker process died"):
        list(map_in_order(killed_at_three, range(8), workers=2))
