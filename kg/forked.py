"""Run one function in a forked child while this process goes on: the build's second core after parsing.

After extraction a build has one big in-memory graph and several independent
jobs on it (the serializations and SHACL validation; the analysis page, report
and GraphML). :func:`start` forks a child that inherits the graph without
copying or pickling it, runs the function there, and sends back only its
(picklable) result through a pipe. The caller does its own share meanwhile
and collects the result with :meth:`Forked.result`.

Where ``fork`` is not available (Windows, or ``KG_NO_FORK=1`` in the
environment), or when asked for one process, the function simply runs in this
process when the result is asked for, so the output is the same either way.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import traceback
import warnings
from typing import Any, Callable


class ForkedError(Exception):
    """The forked job failed; the message is one line for the user."""


def available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and os.environ.get("KG_NO_FORK") != "1"


_NOTHING = object()


class Forked:
    """A function running in a forked child (or deferred, where fork is not used).

    With ``receives``, the function is called with one argument, ``receive``: a call
    that returns the value this process passes to :meth:`send` (blocking in the
    child until it is sent), so the child can start on what it has and pick up the
    rest later.
    """

    def __init__(self, fn: Callable[..., Any], use_fork: bool, receives: bool = False):
        self._fn = fn
        self._receives = receives
        self._sent: Any = _NOTHING
        self._process = None
        self._conn = None
        self._to_child = None
        if use_fork and available():
            ctx = multiprocessing.get_context("fork")
            self._conn, child_conn = ctx.Pipe(duplex=False)
            child_in = None
            if receives:
                child_in, self._to_child = ctx.Pipe(duplex=False)
            # Objects that exist now move to the garbage collector's permanent generation,
            # so that neither process's collections write to (and copy) the shared pages.
            gc.freeze()
            try:
                with warnings.catch_warnings():
                    # Python 3.12+ warns about fork in a threaded process; the child only runs ``fn``.
                    warnings.simplefilter("ignore", DeprecationWarning)
                    self._process = ctx.Process(target=_child, args=(fn, child_conn, child_in), daemon=True)
                    self._process.start()
            finally:
                gc.unfreeze()
            child_conn.close()
            if child_in is not None:
                child_in.close()

    @property
    def forked(self) -> bool:
        return self._process is not None

    def send(self, value: Any) -> None:
        """Pass ``value`` to the function's ``receive`` (pickled to the child when forked)."""
        self._sent = value
        if self._to_child is not None:
            self._to_child.send(value)
            self._to_child.close()
            self._to_child = None

    def result(self) -> Any:
        if self._process is None:
            if not self._receives:
                return self._fn()
            if self._sent is _NOTHING:
                raise ForkedError("internal error: a job's input was never sent")
            return self._fn(lambda: self._sent)
        try:
            status, value = self._conn.recv()
        except EOFError:
            self._process.join()
            raise ForkedError(f"a build process died (exit code {self._process.exitcode})") from None
        finally:
            self._conn.close()
        self._process.join()
        if status == "ok":
            return value
        raise ForkedError(value)

    def cancel(self) -> None:
        if self._to_child is not None:
            self._to_child.close()
            self._to_child = None
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join()


def _child(fn: Callable[..., Any], conn, incoming) -> None:
    try:
        value = fn() if incoming is None else fn(incoming.recv)
    except BaseException as exc:  # report anything, including KeyboardInterrupt, as one record
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        try:
            conn.send(("error", detail))
        finally:
            conn.close()
        os._exit(1)
    conn.send(("ok", value))
    conn.close()
    os._exit(0)


def start(fn: Callable[..., Any], use_fork: bool = True, receives: bool = False) -> Forked:
    """Start ``fn()`` (``fn(receive)`` with ``receives``) in a forked child when ``use_fork``
    and fork is available; else defer it to :meth:`Forked.result`."""
    return Forked(fn, use_fork, receives)
