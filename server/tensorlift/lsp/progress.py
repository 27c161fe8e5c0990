"""Work-done progress for lifts that take longer than a moment (`window/workDoneProgress/create`, then
`$/progress` begin, a report every second, end).

"A moment" is 0.5 s; the environment variable TENSORLIFT_PROGRESS_DELAY (seconds) changes it, for clients that
want progress for every lift and for tests that must see progress whatever the machine's speed."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import time

from lsprotocol import types
from pygls.progress import Progress

from .scheduler import Job

log = logging.getLogger(__name__)


def _default_delay() -> float:
    try:
        return max(0.0, float(os.environ.get("TENSORLIFT_PROGRESS_DELAY", "0.5")))
    except ValueError:
        return 0.5


class ProgressFeature:
    def __init__(self, delay: float | None = None) -> None:
        self.delay = _default_delay() if delay is None else delay
        self.enabled = False  # set when the client supports window.workDoneProgress
        self.progress: Progress | None = None
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._tokens = itertools.count(1)

    def configure(self, capabilities: types.ClientCapabilities, progress: Progress) -> None:
        window = capabilities.window
        self.enabled = bool(window and window.work_done_progress)
        self.progress = progress

    def started(self, job: Job) -> None:
        if self.enabled and self.progress is not None:
            self._tasks[id(job)] = asyncio.get_running_loop().create_task(self._track(job))

    def finished(self, job: Job) -> None:
        task = self._tasks.pop(id(job), None)
        if task is not None:
            task.cancel()

    async def _track(self, job: Job) -> None:
        await asyncio.sleep(self.delay)
        assert self.progress is not None
        token = f"tensorlift/lift/{next(self._tokens)}"
        began = False
        try:
            # shielded: a cancelled request future makes pygls fail on the client's answer
            await asyncio.shield(self.progress.create_async(token))
            self.progress.begin(token, types.WorkDoneProgressBegin(
                title="tensorlift", message=f"lifting {job.label}", cancellable=False))
            began = True
            started = job.started or time.monotonic()
            while True:
                await asyncio.sleep(1.0)
                elapsed = time.monotonic() - started
                report = types.WorkDoneProgressReport(message=f"lifting {job.label}: {elapsed:.0f} s")
                self.progress.report(token, report)
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("progress for %s", job.label)
        finally:
            if began:
                with contextlib.suppress(Exception):
                    self.progress.end(token, types.WorkDoneProgressEnd(message=f"{job.label} done"))
