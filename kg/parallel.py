"""Per-article extraction on one core, on a process pool, or (kg.distributed) on a Dask cluster.

Every engine runs the same function, :func:`kg.parse.extract_batch`. :func:`ordered_results`
streams the corpus through an engine: it looks each article up in the cache, sends the
misses in batches, keeps a bounded number of batches in flight (so neither texts nor
results pile up) and yields the results in corpus order, so the output does not depend
on the engine or on the number of workers.
"""
from __future__ import annotations

import logging
from collections import deque
from concurrent.futures import Future
from typing import Callable, Iterable, Iterator, Protocol

from kg.errors import EngineError
from kg.model import ArticleResult, Document
from kg.parse import DEFAULT_BATCH_SIZE, extract_batch, worker_pipeline

log = logging.getLogger(__name__)

__all__ = ["EngineError", "InlineEngine", "PoolEngine", "make_engine", "ordered_results",
           "articles_per_task", "extract_batch", "worker_pipeline"]

WARM_ARTICLES_PER_WORKER = 16   # a worker's model load pays off from about this many articles


def _ready() -> bool:
    """A task that returns at once: submitting it makes the pool start a worker (which loads the model)."""
    return True


def _init_pool_worker(model: str | None, log_level: int) -> None:
    """Pool initializer: quiet Ctrl-C (the parent handles it), logging like the parent, pipeline loaded."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=log_level, format="kg: %(message)s")
    try:
        worker_pipeline(model)
    except Exception:  # reported by the first task, which raises it again
        pass


# --------------------------------------------------------------------------- engines

class Engine(Protocol):
    """Runs :func:`extract_batch` somewhere; ``submit`` returns an object with ``result()`` and ``done()``."""

    slots: int                              # batches worth keeping in flight

    def submit(self, documents: list[Document]): ...

    def result(self, future) -> tuple[str, list[ArticleResult]]: ...

    def close(self, cancel: bool = False) -> None: ...


class InlineEngine:
    """One worker: extraction in this process, no pool; the model is loaded on the first batch only."""

    slots = 1

    def __init__(self, model: str | None, batch_size: int = DEFAULT_BATCH_SIZE):
        self.model, self.batch_size = model, batch_size

    def submit(self, documents: list[Document]) -> Future:
        future: Future = Future()
        future.set_result(extract_batch(documents, self.model, self.batch_size))
        return future

    def result(self, future: Future) -> tuple[str, list[ArticleResult]]:
        return future.result()

    def close(self, cancel: bool = False) -> None:
        pass


class PoolEngine:
    """N worker processes, each loading the pipeline once; started on the first batch."""

    def __init__(self, workers: int, model: str | None, batch_size: int = DEFAULT_BATCH_SIZE):
        self.workers, self.model, self.batch_size = workers, model, batch_size
        self.slots = 2 * workers
        self._pool = None

    def _start(self) -> None:
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # spawn: workers start clean (no threads or locks inherited from this process)
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_pool_worker, initargs=(self.model, logging.getLogger().getEffectiveLevel()),
            )

    def warm(self, expected: int) -> None:
        """Start the workers now, fewer when only ``expected`` articles will come (their model loads
        then overlap with reading the cached articles)."""
        if self._pool is None and expected > 0:
            self.workers = max(1, min(self.workers, -(-expected // WARM_ARTICLES_PER_WORKER)))
            self._start()
            for _ in range(self.workers):
                self._pool.submit(_ready)

    def submit(self, documents: list[Document]):
        self._start()
        return self._pool.submit(extract_batch, documents, self.model, self.batch_size)

    def result(self, future) -> tuple[str, list[ArticleResult]]:
        from concurrent.futures import BrokenExecutor

        try:
            return future.result()
        except BrokenExecutor:
            raise EngineError("a worker process died (out of memory?); try fewer --workers") from None

    def close(self, cancel: bool = False) -> None:
        """Stop the workers. After a complete run they are idle: they are told to exit and
        the build goes on without waiting for them (their exit takes a fifth of a second);
        on an error or an interrupt, their work is cancelled and they are waited for."""
        if self._pool is not None:
            self._pool.shutdown(wait=cancel, cancel_futures=cancel)
            self._pool = None


def make_engine(workers: int, model: str | None, batch_size: int = DEFAULT_BATCH_SIZE,
                dask: str | None = None) -> Engine:
    """The engine for these options: Dask when an address is given, else a pool for >1 workers, else inline."""
    if dask:
        from kg.distributed import DaskEngine

        return DaskEngine(dask, model, batch_size)
    if workers > 1:
        return PoolEngine(workers, model, batch_size)
    return InlineEngine(model, batch_size)


def articles_per_task(total: int, slots: int, upper: int = 16) -> int:
    """Articles per batch: a few batches per slot for balance, at most ``upper`` (small messages)."""
    if total <= 0:
        return upper
    return max(1, min(upper, -(-total // (2 * max(1, slots)))))


# --------------------------------------------------------------------------- the ordered stream

class _Slot:
    __slots__ = ("document", "result", "task", "index")

    def __init__(self, document: Document, result: ArticleResult | None):
        self.document, self.result = document, result
        self.task: _Task | None = None
        self.index = 0


class _Task:
    __slots__ = ("future", "slots")

    def __init__(self, future, slots: list[_Slot]):
        self.future, self.slots = future, slots


def ordered_results(documents: Iterable[Document], engine: Engine, cache=None, per_task: int = 8,
                    on_model: Callable[[str], None] | None = None) -> Iterator[ArticleResult]:
    """Each document's ArticleResult, in input order: from ``cache`` when it holds it, else from ``engine``.

    At most ``engine.slots`` batches are in flight; new results are written to the
    cache as they arrive. ``on_model`` receives the description of the model
    the workers loaded (once per batch).
    """
    queue: deque[_Slot] = deque()
    batch: list[_Slot] = []
    in_flight: deque[_Task] = deque()
    per_task = max(1, per_task)

    def send() -> None:
        if batch:
            task = _Task(engine.submit([s.document for s in batch]), list(batch))
            for i, s in enumerate(batch):
                s.task, s.index = task, i
            in_flight.append(task)
            batch.clear()

    def finish(task: _Task) -> None:
        desc, results = engine.result(task.future)
        if on_model is not None:
            on_model(desc)
        if len(results) != len(task.slots):
            raise EngineError(f"a worker returned {len(results)} results for {len(task.slots)} articles")
        for s, r in zip(task.slots, results):
            s.result = r
            if cache is not None:
                cache.put(s.document, r)
        in_flight.remove(task)

    def ready(wait: bool) -> Iterator[ArticleResult]:
        while queue:
            head = queue[0]
            if head.result is None:
                if head.task is None:          # still in the batch being filled
                    return
                # Wait when every slot is busy, or when too many articles (cache hits) queue behind this one.
                full = len(in_flight) >= engine.slots or len(queue) > (engine.slots + 2) * per_task
                if not head.task.future.done() and not (wait and full):
                    return
                finish(head.task)
            queue.popleft()
            result, head.result = head.result, None
            yield result

    read = opened = 0                   # articles read; ``read`` when the open batch got its first article
    for document in documents:
        hit = cache.get(document) if cache is not None else None
        slot = _Slot(document, hit)
        queue.append(slot)
        read += 1
        if hit is None:
            if not batch:
                opened = read
            batch.append(slot)
        # A full batch goes; so does a part batch with a run of cache hits behind it (they wait on it).
        if len(batch) >= per_task or (batch and read - opened >= 2 * per_task):
            send()
        yield from ready(wait=True)
    send()
    while queue:
        head = queue[0]
        if head.result is None:
            if head.task not in in_flight:
                raise EngineError("internal error: an article was never sent to a worker")
            finish(head.task)
        yield from ready(wait=False)
