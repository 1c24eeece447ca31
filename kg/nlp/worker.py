"""The spaCy pipeline in a process of its own, so that parsing never waits for the GIL.

spaCy's small models hold the GIL for nearly all of their work: in a thread
beside kg's extraction, mapping and store writer, the parse is lengthened by
about as much Python as those run (``benchmarks/gil_contention.py``). A
:class:`ParseWorker` is a child process that loads the same pipeline and parses
batches of texts sent to it, answering each document as ``Doc.to_bytes``
(without the tensor, which nothing reads after the pipeline), which the calling
process reads back into a ``Doc`` of its own pipeline's vocabulary: the same
tokens, tags, parse, entities and ``doc.spans``.

One worker per pipeline name is started on first use and kept for the life of
the process (a library that builds twenty times pays the model load once); it
is stopped at exit. The child ignores Ctrl-C (the parent handles it) and
leaves when its input closes, so it never outlives the parent. A worker that
died (killed, out of memory) is reported as a :class:`kg.errors.ModelError`
and replaced on the next use.
"""
from __future__ import annotations

import atexit
import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

from kg.errors import ModelError

if TYPE_CHECKING:
    from spacy.tokens import Doc

T = TypeVar("T")

IN_FLIGHT = 2  # batches sent ahead of the one being read back: the worker never waits for the caller
STOP_WAIT = 30.0  # seconds to wait for the feeding thread or the worker to stop
_END = object()


def _send(stream, message) -> None:
    pickle.dump(message, stream, protocol=pickle.HIGHEST_PROTOCOL)
    stream.flush()


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.dumps(exc)
        return exc
    except Exception:  # noqa: BLE001 - any exception that cannot cross the pipe
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def serve(model: str) -> int:  # pragma: no cover - runs in the child
    """The child (``python -m kg.nlp.worker MODEL``): parse each batch of texts
    read from stdin; answer on the original stdout the bytes of each document
    and the CPU seconds the batch took, or the error it raised."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops us
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything else printed goes to stderr, never into the answers
    sys.stdout = sys.stderr
    requests = sys.stdin.buffer
    from kg.nlp import load_pipeline

    try:
        nlp = load_pipeline(model)
    except BaseException as exc:  # noqa: BLE001 - handed to the parent
        _send(answers, ("error", _picklable(exc)))
        return 1
    _send(answers, ("ready", None))
    while True:
        try:
            texts = pickle.load(requests)
        except EOFError:
            return 0
        if texts is None:
            return 0
        started = time.process_time()
        try:
            docs = [doc.to_bytes(exclude=["tensor"]) for doc in nlp.pipe(texts, batch_size=max(1, len(texts)))]
        except Exception as exc:  # noqa: BLE001 - handed to the parent
            _send(answers, ("error", _picklable(exc)))
            continue
        _send(answers, ("docs", (docs, time.process_time() - started)))


class ParseWorker:
    """A child process running the pipeline ``model`` (see the module docstring)."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.cpu_seconds = 0.0  # CPU time the child spent parsing
        self._lock = threading.Lock()  # one caller at a time
        # a fresh interpreter, not a fork of this process (which holds threads and a store)
        self._process = subprocess.Popen([sys.executable, "-m", "kg.nlp.worker", model],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._ready = False

    def ready(self) -> ParseWorker:
        """Wait until the child has loaded its pipeline (raising what loading raised)."""
        if not self._ready:
            kind, value = self._receive()
            if kind == "error":
                self.close()
                raise value
            self._ready = True
        return self

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def _receive(self):
        try:
            return pickle.load(self._process.stdout)
        except (EOFError, OSError, pickle.UnpicklingError):
            raise self._stopped() from None

    def _stopped(self) -> ModelError:
        code = self._process.wait(STOP_WAIT)
        return ModelError(f"the parsing process for {self.model!r} stopped (exit code {code}); "
                          "its error, if any, is above; run the build again")

    def pipe(self, batches: Iterable[list[tuple[str, T]]], nlp) -> Iterator[tuple[Doc, T]]:
        """Parse each batch of ``(text, context)`` pairs in the child; yield
        ``(doc, context)`` in order, the docs read with ``nlp``'s vocabulary.

        A thread of this process reads ``batches`` and sends them, at most
        :data:`IN_FLIGHT` ahead of the answers read here (sending and reading
        in one thread could block both ends on full pipes)."""
        from spacy.tokens import Doc

        with self._lock:
            self.ready()
            slots = threading.Semaphore(IN_FLIGHT + 1)
            sent: queue.Queue = queue.Queue()  # the contexts of each batch sent, then _END or an error
            stop = threading.Event()

            def feed() -> None:
                try:
                    for batch in batches:
                        while not slots.acquire(timeout=0.1):
                            if stop.is_set():
                                return
                        if stop.is_set():
                            return
                        _send(self._process.stdin, [text for text, _ in batch])
                        sent.put([context for _, context in batch])
                    sent.put(_END)
                except OSError as exc:  # a broken pipe: the child is gone
                    sent.put(self._stopped() if not self.alive or isinstance(exc, BrokenPipeError) else exc)
                except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
                    sent.put(exc)

            feeder = threading.Thread(target=feed, name="kg-parse-feeder", daemon=True)
            feeder.start()
            owed = 0
            try:
                while True:
                    contexts = sent.get()
                    if contexts is _END:
                        return
                    if isinstance(contexts, BaseException):
                        raise contexts
                    owed += 1
                    kind, value = self._receive()
                    owed -= 1
                    slots.release()
                    if kind == "error":
                        raise value
                    docs, cpu = value
                    self.cpu_seconds += cpu
                    for data, context in zip(docs, contexts):
                        yield Doc(nlp.vocab).from_bytes(data), context
            finally:
                stop.set()
                feeder.join(STOP_WAIT)
                while not sent.empty():  # batches sent but not read: read and drop their answers
                    if isinstance(sent.get(), list):
                        owed += 1
                try:
                    for _ in range(owed):
                        self._receive()
                except ModelError:
                    pass

    def close(self) -> None:
        if self.alive:
            try:
                _send(self._process.stdin, None)
                self._process.stdin.close()
                self._process.wait(5)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                pass
        if self.alive:
            self._process.kill()
            self._process.wait(5)


_WORKERS: dict[str, ParseWorker] = {}


def parse_worker(model: str) -> ParseWorker:
    """The worker for ``model``, started on first use (or after it died)."""
    worker = _WORKERS.get(model)
    if worker is None or not worker.alive:
        worker = _WORKERS[model] = ParseWorker(model)
    return worker


def start_parse_worker(model: str | None, jobs: int = 1) -> ParseWorker | None:
    """Start the parsing process a build of ``jobs`` processes will use (it loads
    its pipeline while the caller loads its own); None when it will use none."""
    from kg.nlp import default_model

    if jobs != 1 or not can_start_workers():
        return None
    return parse_worker(model or default_model())


def worker_cpu_seconds() -> float:
    """CPU seconds the parsing processes of this process have spent parsing so far."""
    return sum(worker.cpu_seconds for worker in _WORKERS.values())


def can_start_workers() -> bool:
    """False inside a daemonic process (a Dask or multiprocessing worker), which may not have children."""
    import multiprocessing

    return not multiprocessing.current_process().daemon


@atexit.register
def _stop_workers() -> None:
    for worker in _WORKERS.values():
        worker.close()
    _WORKERS.clear()


if __name__ == "__main__":  # pragma: no cover - the child
    sys.exit(serve(sys.argv[1]))
