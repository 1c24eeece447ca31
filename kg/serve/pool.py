"""The server's side of the query workers (:mod:`kg.serve.worker`): a fixed
number of processes, each with the store open read-only, handed one job at
a time.

Why processes: Oxigraph cannot interrupt a query, and a Python thread cannot
be stopped from outside, so ``kg query``'s thread timeout leaves a query
running to its end. Here a query past its time is stopped for real: its
worker is killed (SIGKILL, then reaped) and a new one started in the
background (0.14 s from a fork server, 0.4 s spawned). A worker is started
once and then reused, so a query pays only for the round trip (a pickled job
out, the answer back in chunks), not for starting a process or opening the
store: measured, ``ASK {}`` took 0.07 ms in the server's own process and
0.73 ms through a worker; 10,000 rows as JSON (1.1 MB) 94 ms and 103 ms.

The whole answer is read before the response starts, into a file that stays
in memory up to :data:`SPOOL_MEMORY` and goes to disk past it: the status
line is only written once the query has finished in time, so a timeout is
always an error status, never a 200 cut short.
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

import anyio.to_thread

from kg.errors import KGError, StoreError
from kg.serve import worker
from kg.serve.answers import PageJob
from kg.serve.worker import DATA, END, READY, Outcome, QueryJob

log = logging.getLogger("kg.serve")

SPOOL_MEMORY = 8 * 1024 * 1024  # answer bytes kept in memory before they go to a temporary file
STARTUP_TIMEOUT = 60.0  # seconds a new worker may take to import kg and open the store
RESPAWN_DELAY = 5.0  # seconds between tries to replace a worker that could not start


class QueryTimedOut(KGError):
    """The query did not finish within the timeout; its worker was killed."""


class PoolBusy(KGError):
    """No worker became free within the timeout."""


class WorkerDied(KGError):
    """The worker answering a query exited without finishing it (killed by the
    system, a crash)."""


@dataclass
class Answer:
    """A query's outcome and, when it succeeded, the answer's bytes (rewound)."""

    outcome: Outcome
    body: tempfile.SpooledTemporaryFile | None = None


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    generation: int = 0


class _Expired(Exception):
    """The deadline passed while waiting for the worker."""


def _context() -> multiprocessing.context.BaseContext:
    """Fork server where the platform has one: a fresh worker is forked from a
    small clean process that has kg's query modules imported already (about
    ten times faster to start than spawning a new interpreter, and safe in a
    server that runs threads, which plain fork is not); spawn elsewhere."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["kg.serve.worker"])
        return context
    return multiprocessing.get_context("spawn")


@dataclass
class WorkerPool:
    """``size`` query workers over the store at ``store``."""

    store: str | Path  # a store folder, or a SPARQL endpoint's URL
    size: int = 2
    _context: multiprocessing.context.BaseContext = field(default_factory=_context, repr=False)
    _idle: asyncio.Queue | None = field(default=None, repr=False)
    _workers: set[_Worker] = field(default_factory=set, repr=False)
    _tasks: set[asyncio.Task] = field(default_factory=set, repr=False)
    _closed: bool = False
    _generation: int = 0
    _heavy: asyncio.Semaphore | None = field(default=None, repr=False)

    async def start(self) -> None:
        """Start every worker; raises :class:`StoreError` if one cannot open the store."""
        self._idle = asyncio.Queue()
        # SPARQL and named queries may take seconds: with 3 workers or more, one is
        # always left to pages, data and search, which take milliseconds. Not with 2:
        # a 5,000-request load test (15% named queries) ran past 24 min with one
        # worker for queries, against 17.6 min without the lane
        self._heavy = asyncio.Semaphore(self.size - 1 if self.size >= 3 else self.size)
        started = await asyncio.gather(*(anyio.to_thread.run_sync(self._spawn) for _ in range(self.size)),
                                       return_exceptions=True)
        failed = [s for s in started if isinstance(s, BaseException)]
        for w in started:
            if isinstance(w, _Worker):
                self._idle.put_nowait(w)
        if failed:
            await self.close()
            raise failed[0]

    def pids(self) -> list[int]:
        """The process ids of the workers alive now."""
        return sorted(w.process.pid for w in self._workers if w.process.pid is not None)

    async def run(self, job: QueryJob | PageJob, *, timeout: float | None, heavy: bool = False) -> Answer:
        """Answer ``job`` on a free worker within ``timeout`` seconds (waiting for a
        worker included). A ``heavy`` job (a query that may take seconds) waits
        while all but one worker are on heavy jobs (with three workers or more). Raises :class:`QueryTimedOut`,
        :class:`PoolBusy` or :class:`WorkerDied`."""
        assert self._idle is not None and self._heavy is not None, "WorkerPool.start() first"
        if not heavy:
            return await self._run(job, timeout)
        started = time.monotonic()
        try:
            await asyncio.wait_for(self._heavy.acquire(), timeout)
        except TimeoutError:
            raise PoolBusy(f"the query workers stayed busy with other queries for {timeout:g} s; "
                           "try again later") from None
        try:
            left = None if timeout is None else max(0.0, timeout - (time.monotonic() - started))
            return await self._run(job, left, said=timeout)
        finally:
            self._heavy.release()

    async def _run(self, job: QueryJob | PageJob, timeout: float | None, *, said: float | None = None) -> Answer:
        """``job`` on the next free worker, within ``timeout`` (``said``: the
        timeout the messages name, when some of it went waiting)."""
        assert self._idle is not None
        deadline = None if timeout is None else time.monotonic() + timeout
        timeout = said if said is not None else timeout
        while True:
            try:
                w = await asyncio.wait_for(self._idle.get(), None if deadline is None else
                                           max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise PoolBusy(f"all {self.size} query workers stayed busy for {timeout:g} s; "
                               "try again later") from None
            if w.generation == self._generation:
                break
            self._dismiss(w)  # it reads what the store was before renew()
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)
        try:
            outcome = await anyio.to_thread.run_sync(self._exchange, w, job, deadline, spool)
        except _Expired:
            spool.close()
            self._retire(w)
            raise QueryTimedOut(f"the query did not finish within {timeout:g} s (kg serve --timeout {timeout:g}) "
                                "and was stopped; narrow it (a LIMIT, fewer patterns, a smaller dataset) "
                                "or ask the server's operator for more time") from None
        except (EOFError, OSError) as exc:
            spool.close()
            self._retire(w)
            raise WorkerDied(f"the query worker exited before it answered ({exc or type(exc).__name__}); "
                             "the query may need more memory than the server has") from None
        except BaseException:  # the request was cancelled (client gone): its query is stopped too
            spool.close()
            self._retire(w)
            raise
        self._idle.put_nowait(w)
        if outcome.status != 200 and not spool.tell():  # an error said in the outcome's message alone
            spool.close()
            return Answer(outcome)
        spool.seek(0)
        return Answer(outcome, spool)

    async def renew(self) -> None:
        """Start a new set of workers (they open the store afresh: a build has
        committed since) and let the old ones go as they come back from the jobs
        they are answering; jobs started before keep their worker."""
        self._generation += 1
        generation = self._generation
        for _ in range(self.size):
            new = await anyio.to_thread.run_sync(self._spawn)
            if self._closed or generation != self._generation:
                _stop([new])
                return
            assert self._idle is not None
            self._idle.put_nowait(new)
        # the old idle workers go now, not when a job happens to take them
        assert self._idle is not None
        kept = []
        while not self._idle.empty():
            w = self._idle.get_nowait()
            (kept.append(w) if w.generation == generation else self._dismiss(w))
        for w in kept:
            self._idle.put_nowait(w)

    def _dismiss(self, w: _Worker) -> None:
        """Let an idle worker exit (it does when its connection closes)."""
        self._workers.discard(w)
        w.conn.close()
        task = asyncio.get_running_loop().create_task(anyio.to_thread.run_sync(_stop, [w]))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        """Stop every worker: each exits when its connection closes, and is
        killed if it is still running a query a moment later."""
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        workers, self._workers = list(self._workers), set()
        for w in workers:
            w.conn.close()
        await anyio.to_thread.run_sync(_stop, workers)

    # -- in threads -----------------------------------------------------------------
    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(target=worker.main, args=(child, str(self.store)),
                                        name="kg serve query worker", daemon=True)
        process.start()
        child.close()
        w = _Worker(process, parent, self._generation)
        try:
            if not parent.poll(STARTUP_TIMEOUT):
                raise StoreError(f"a query worker did not open the store at {self.store} "
                                 f"within {STARTUP_TIMEOUT:g} s")
            message = parent.recv_bytes()
        except (EOFError, OSError) as exc:
            _stop([w])
            raise StoreError(f"a query worker exited while opening the store at {self.store} ({exc!r})") from None
        except BaseException:
            _stop([w])
            raise
        if message[:1] != READY:
            _stop([w])
            raise StoreError(Outcome.from_bytes(message[1:]).message)
        if self._closed:  # the pool closed while this one started
            _stop([w])
            raise StoreError("the query workers are stopping")
        self._workers.add(w)
        return w

    @staticmethod
    def _exchange(w: _Worker, job: QueryJob, deadline: float | None, spool) -> Outcome:
        w.conn.send(job)
        while True:
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not w.conn.poll(remaining):
                    raise _Expired
            message = w.conn.recv_bytes()
            tag, data = message[:1], memoryview(message)[1:]
            if tag == DATA:
                spool.write(data)
            elif tag == END:
                return Outcome.from_bytes(bytes(data))

    # -- replacing a worker -----------------------------------------------------------
    def _retire(self, w: _Worker) -> None:
        """Kill ``w`` (it may be deep in a query) and start its replacement."""
        self._workers.discard(w)
        w.process.kill()  # at once: the query is not to run a moment longer
        task = asyncio.get_running_loop().create_task(self._replace(w))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _replace(self, old: _Worker) -> None:
        await anyio.to_thread.run_sync(_stop, [old])  # reap it
        while not self._closed:
            try:
                new = await anyio.to_thread.run_sync(self._spawn)
            except StoreError as exc:
                log.error("kg serve: could not start a query worker (%s); trying again in %g s", exc, RESPAWN_DELAY)
                await asyncio.sleep(RESPAWN_DELAY)
                continue
            if self._closed:
                _stop([new])
                return
            assert self._idle is not None
            self._idle.put_nowait(new)
            return


def _stop(workers: list[_Worker]) -> None:
    for w in workers:
        w.process.join(timeout=1.0)
        if w.process.is_alive():
            w.process.kill()
            w.process.join(timeout=5.0)
        w.conn.close()
