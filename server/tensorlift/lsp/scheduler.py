"""The scheduler: one worker process lifts one unit at a time; newer document versions cancel stale work.

- Jobs are keyed by the position-independent `CacheKey`; a job wanted by a newer version of the same document (the
  loop did not change) or by another document is shared, never run twice.
- Each job has owners: the documents (uri -> version) that want its result. `cancel_stale(uri, version, keep)`
  removes `uri` from every job of an older version whose key is not in `keep`; a queued job without owners is
  dropped; a running one gets `grace` seconds to finish, then the worker is killed and started again.
- The worker is a `ProcessPoolExecutor` with one process from the `spawn` context: nothing is shared with the
  server, a runaway solver is killed by its pid, and a crashed worker (killed from outside, a segfault in Z3) is
  replaced; the job it was running is tried once more, then reported as not lifted. A lift that runs well past its
  budget (a solver call that does not return) is killed too and reported as not lifted.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Protocol

from ..common import Position, Span
from ..results import LiftResult, Status
from . import worker
from .placement import CacheKey
from .worker import LiftRequest

log = logging.getLogger(__name__)

BACKGROUND = 1  # lifting for diagnostics
ON_DEMAND = 0  # a request waits for it (resolve, commands): runs first
CRASH_REASON = "the lifting worker crashed on this loop twice; tensorlift cannot lift it"


@dataclass(eq=False)
class Job:
    key: CacheKey
    request: LiftRequest
    owners: dict[str, int]  # uri -> the newest version that wants the result
    priority: int
    future: asyncio.Future[LiftResult | None]
    order: int
    attempts: int = 0
    started: float | None = None
    label: str = field(default="")


class SchedulerListener(Protocol):
    def job_started(self, job: Job) -> None: ...

    def job_finished(self, job: Job) -> None: ...

    def worker_crashed(self, message: str) -> None: ...


class Scheduler:
    def __init__(self, listener: SchedulerListener, grace: float = 1.0,
                 run: Callable[[LiftRequest], LiftResult | None] = worker.lift) -> None:
        self.listener = listener
        self.grace = grace
        self.run = run  # what the worker runs: a module-level function (the worker is spawned)
        self._queue: list[Job] = []
        self._jobs: dict[CacheKey, Job] = {}
        self._running: Job | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._pid: asyncio.Future[int] | None = None
        self._wakeup: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._killing = False
        self._order = itertools.count()
        self.restarts = 0  # worker restarts after a crash (not after a kill of stale work)
        self.kills = 0  # workers killed because their job went stale

    # ------------------------------------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Start the worker and the loop that feeds it (call from the event loop)."""
        if self._task is not None:
            return
        self._wakeup = asyncio.Event()
        self._new_pool()
        self._task = asyncio.get_running_loop().create_task(self._run())

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        for job in list(self._jobs.values()):
            if not job.future.done():
                job.future.set_result(None)
        self._jobs.clear()
        self._queue.clear()
        if self._pool is not None:
            pid = self._known_pid()
            self._pool.shutdown(wait=False, cancel_futures=True)
            if pid is not None:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            self._pool = None

    async def worker_pid(self) -> int:
        self.start()
        assert self._pid is not None
        return await asyncio.shield(self._pid)

    @property
    def running(self) -> Job | None:
        return self._running

    def pending(self) -> int:
        return len(self._jobs)

    # ------------------------------------------------------------------------------------------------ jobs

    def submit(self, key: CacheKey, request: LiftRequest, uri: str, version: int,
               priority: int = BACKGROUND) -> asyncio.Future[LiftResult | None]:
        """The future result of lifting `request` (None if the job was cancelled). Equal keys share one job."""
        self.start()
        job = self._jobs.get(key)
        if job is not None:
            job.owners[uri] = max(version, job.owners.get(uri, version))
            job.priority = min(job.priority, priority)
            return job.future
        future: asyncio.Future[LiftResult | None] = asyncio.get_running_loop().create_future()
        job = Job(key, request, {uri: version}, priority, future, next(self._order),
                  label=f"{request.unit_id} ({request.options.target})")
        self._jobs[key] = job
        self._queue.append(job)
        assert self._wakeup is not None
        self._wakeup.set()
        return future

    def cancel_stale(self, uri: str, version: int, keep: set[CacheKey] | frozenset[CacheKey] = frozenset()) -> None:
        """`uri` is now at `version`: its older versions no longer want the jobs not in `keep`."""
        for job in list(self._jobs.values()):
            owned = job.owners.get(uri)
            if owned is None or owned >= version:
                continue
            if job.key in keep:
                job.owners[uri] = version
                continue
            del job.owners[uri]
            if job.owners:
                continue
            if job is self._running:
                asyncio.get_running_loop().call_later(self.grace, self._kill_if_stale, job)
            else:
                self._drop(job)

    def cancel_document(self, uri: str) -> None:
        self.cancel_stale(uri, 1 << 62)

    def cancel_all(self) -> None:
        """Every job is stale (e.g. the settings changed)."""
        for job in list(self._jobs.values()):
            job.owners.clear()
            if job is self._running:
                asyncio.get_running_loop().call_later(self.grace, self._kill_if_stale, job)
            else:
                self._drop(job)

    def _drop(self, job: Job) -> None:
        self._jobs.pop(job.key, None)
        with contextlib.suppress(ValueError):
            self._queue.remove(job)
        if not job.future.done():
            job.future.set_result(None)

    def _kill_if_stale(self, job: Job) -> None:
        if job is not self._running or job.owners:
            return  # finished meanwhile, or wanted again
        log.info("killing the worker: %s went stale", job.label)
        self._kill_worker()

    def _kill_worker(self) -> None:
        pid = self._known_pid()
        if pid is None:
            return
        self._killing = True
        self.kills += 1
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)

    # ------------------------------------------------------------------------------------------------ the loop

    async def _next(self) -> Job:
        assert self._wakeup is not None
        while not self._queue:
            self._wakeup.clear()
            await self._wakeup.wait()
        job = min(self._queue, key=lambda j: (j.priority, j.order))
        self._queue.remove(job)
        return job

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            job = await self._next()
            self._running = job
            job.attempts += 1
            job.started = time.monotonic()
            result: LiftResult | None = None
            retry = False
            try:
                self.listener.job_started(job)
                pool = self._pool or self._new_pool()
                running = loop.run_in_executor(pool, self.run, job.request)
                try:
                    result = await asyncio.wait_for(asyncio.shield(running), overrun_limit(job.request))
                except asyncio.TimeoutError:
                    # the engine stops at its budget; a solver call that does not is killed, not waited for
                    log.warning("%s ran past its budget: killing the worker", job.label)
                    self._kill_worker()
                    with contextlib.suppress(BaseException):
                        await running
                    self._new_pool()
                    result = _overran(job)
            except BrokenProcessPool:
                killed = self._killing
                self._new_pool()
                if not killed:
                    self.restarts += 1
                    self.listener.worker_crashed(f"the lifting worker stopped while lifting {job.label}")
                    if job.owners and job.attempts < 2:
                        retry = True
                    elif job.owners:
                        result = _crashed(job)
            except asyncio.CancelledError:
                raise
            except Exception:  # an engine bug: that unit fails, the server goes on
                log.exception("lifting %s failed", job.label)
            finally:
                self._running = None
                with contextlib.suppress(Exception):
                    self.listener.job_finished(job)
            if retry:
                job.order = -1  # first in line
                self._queue.append(job)
                continue
            self._jobs.pop(job.key, None)
            if not job.future.done():
                job.future.set_result(result if job.owners else None)

    # ------------------------------------------------------------------------------------------------ the worker

    def _new_pool(self) -> ProcessPoolExecutor:
        old, old_pid = self._pool, self._known_pid()
        if old is not None:
            old.shutdown(wait=False, cancel_futures=True)
            if old_pid is not None:
                with contextlib.suppress(OSError):
                    os.kill(old_pid, signal.SIGKILL)
        self._killing = False
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=worker.initialize)
        loop = asyncio.get_running_loop()
        self._pid = asyncio.ensure_future(loop.run_in_executor(self._pool, worker.pid))
        self._pid.add_done_callback(lambda f: f.exception())  # a pool that breaks at once is handled by _run
        return self._pool

    def _known_pid(self) -> int | None:
        if self._pid is None or not self._pid.done() or self._pid.cancelled() or self._pid.exception():
            return None
        return self._pid.result()


def overrun_limit(request: LiftRequest) -> float:
    """How long a lift may run before its worker is killed: the budget, with room for a slow machine."""
    return request.options.budget * 1.5 + 5.0


def _overran(job: Job) -> LiftResult:
    origin = Span(Position(0, 0), Position(0, 0))
    budget = job.request.options.budget
    return LiftResult(unit_id=job.request.unit_id, function=job.key[3], range=origin, status=Status.NOT_LIFTED,
                      target=job.request.options.target,
                      reason=f"the solver did not stop at the {budget:g} s budget and was killed (raise the budget)")


def _crashed(job: Job) -> LiftResult:
    origin = Span(Position(0, 0), Position(0, 0))
    return LiftResult(unit_id=job.request.unit_id, function=job.key[3], range=origin, status=Status.NOT_LIFTED,
                      target=job.request.options.target, reason=CRASH_REASON)
