"""Extraction on a Dask cluster: ``kg build --dask tcp://scheduler:8786``.

Dask is an optional extra: ``pip install 'kg[dask]'``. The cluster runs the same
function as the local workers, :func:`kg.parse.extract_batch`, on batches of Documents; each Dask worker
builds the spaCy pipeline once (a per-process cache) and sends back only
ArticleResults. Resolution, the graph and every output are made where
``kg build`` runs, from the results gathered in corpus order, so the files are
the same as a local build's.

On connecting, kg checks that every worker has the same kg code, data files
and model as this machine (a cluster with another version would quietly build
a different graph). docs/scaling.md says how to run a cluster.
"""
from __future__ import annotations

import logging
import time

from kg.errors import EngineError
from kg.model import Document
from kg.parse import DEFAULT_BATCH_SIZE, extract_batch

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = "20s"


def fingerprint(model: str | None) -> dict:
    """What must agree between this machine and every worker (runs on the workers too)."""
    from kg import __version__
    from kg.cache import code_fingerprint, data_fingerprint, model_identity

    return {"kg": __version__, "code": code_fingerprint(), "data": data_fingerprint(),
            "model": model_identity(model)[1]}


MISSING = "--dask needs Dask, an optional extra: pip install 'kg[dask]'"


def dask_client_class():
    """``distributed.Client``, or :class:`EngineError` in one line when Dask is not installed."""
    try:
        from distributed import Client
    except ImportError:
        raise EngineError(MISSING) from None
    return Client


class DaskEngine:
    """Runs :func:`extract_batch` on the workers of the scheduler at ``address``."""

    def __init__(self, address: str, model: str | None, batch_size: int = DEFAULT_BATCH_SIZE):
        Client = dask_client_class()
        self.model, self.batch_size, self.address = model, batch_size, address
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise EngineError(f"cannot connect to the Dask scheduler at {address}: "
                              f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
        self._slots, self._checked = 2, 0.0
        try:
            self._check_workers()
        except BaseException:
            self.client.close()
            raise

    def _check_workers(self) -> None:
        here = fingerprint(self.model)
        try:
            there = self.client.run(fingerprint, self.model)
        except Exception as exc:
            raise EngineError(f"the Dask workers at {self.address} cannot run kg "
                              f"(is kg installed on them?): {type(exc).__name__}: {exc}") from None
        for worker, theirs in sorted(there.items()):
            for part in ("kg", "code", "data", "model"):
                if theirs.get(part) != here[part]:
                    raise EngineError(f"Dask worker {worker} has a different kg {part} "
                                      f"({theirs.get(part)!s:.40} here {here[part]!s:.40}); "
                                      "install the same kg and model on every worker")
        log.info("Dask: %d workers at %s agree with this kg", len(there), self.address)

    @property
    def slots(self) -> int:
        """Batches to keep in flight: two per worker thread (refreshed every few seconds)."""
        now = time.monotonic()
        if now - self._checked > 5.0:
            self._checked = now
            try:
                threads = sum(self.client.nthreads().values())
            except Exception:
                threads = 0
            self._slots = max(2, 2 * threads)
        return self._slots

    def submit(self, documents: list[Document]):
        return self.client.submit(extract_batch, documents, self.model, self.batch_size, pure=False)

    def result(self, future):
        from distributed import KilledWorker

        try:
            return future.result()
        except KilledWorker as exc:
            raise EngineError(f"Dask workers kept dying on a batch of articles ({exc}); "
                              "see the worker logs") from None

    def close(self, cancel: bool = False) -> None:
        client, self.client = self.client, None
        if client is not None:
            client.close()
