"""The scheduler on its own, with a real spawned worker: a lift that never returns is killed past its budget."""

from __future__ import annotations

import asyncio
import os

from lsp_helpers import lift_forever

from tensorlift.common import Language
from tensorlift.lsp.scheduler import Job, Scheduler, overrun_limit
from tensorlift.lsp.worker import LiftRequest
from tensorlift.options import LiftOptions
from tensorlift.results import Status


class Events:
    def __init__(self) -> None:
        self.started: list[str] = []
        self.finished: list[str] = []
        self.crashes: list[str] = []

    def job_started(self, job: Job) -> None:
        self.started.append(job.label)

    def job_finished(self, job: Job) -> None:
        self.finished.append(job.label)

    def worker_crashed(self, message: str) -> None:
        self.crashes.append(message)


async def test_a_lift_past_its_budget_is_killed_not_waited_for() -> None:
    events = Events()
    scheduler = Scheduler(events, run=lift_forever)
    request = LiftRequest("x = 1\n", Language.PYTHON, "<test>", "f:0", LiftOptions(budget=0.1))
    try:
        first_pid = await asyncio.wait_for(scheduler.worker_pid(), 60)
        loop = asyncio.get_running_loop()
        started = loop.time()
        result = await asyncio.wait_for(scheduler.submit(("k", "numpy", "f:0", "f"), request, "file:///t.py", 1),
                                        overrun_limit(request) + 30)
        elapsed = loop.time() - started
        assert result is not None and result.status is Status.NOT_LIFTED
        assert result.reason is not None and "did not stop at the 0.1 s budget" in result.reason
        assert overrun_limit(request) <= elapsed < overrun_limit(request) + 20
        second_pid = await asyncio.wait_for(scheduler.worker_pid(), 60)
        assert second_pid != first_pid
        assert events.crashes == [], "a kill for overrunning is not a crash"
        assert events.started == events.finished == ["f:0 (numpy)"]
        try:
            os.kill(first_pid, 0)
            alive = True
        except OSError:
            alive = False
        assert not alive or _is_zombie(first_pid)
    finally:
        scheduler.close()


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return any(line.startswith("State:") and "Z" in line for line in status)
    except OSError:
        return True
