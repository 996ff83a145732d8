"""Run a query where it can be stopped: in a forked child process, with a time limit.

Oxigraph evaluates a query in native code that never returns to Python until
it is done, so neither a signal handler nor a timer in the same process can
stop a runaway query (a cartesian product grows memory without end). ``kg
query`` therefore forks: the child loads the graph, runs the query and writes
the answer into a pipe; this process copies the pipe to stdout as it comes
(the answer streams) and watches the clock and the signals. On Ctrl-C,
SIGTERM or SIGHUP (which ``kg.cli`` turns into exceptions here) or when the
time limit passes, the child is killed with SIGKILL at once; its memory goes
with it.

The child restores the default action of SIGINT, SIGTERM and SIGHUP (so a
Ctrl-C sent to the terminal's process group ends it too), asks the kernel to
kill it when this process dies (Linux), and arms its own SIGALRM a little
after the limit as a second guard. Where ``os.fork`` does not exist the work
runs in this process, without these guarantees.

The child speaks to this process through a second pipe, one JSON object a
line: ``{"warning": text}``, ``{"query": true}`` (the time limit counts from
here), ``{"query": false}`` (loading the graph: the clock stops),
``{"error": text, "code": n}``.
"""
from __future__ import annotations

import codecs
import json
import os
import selectors
import signal
import sys
import time
from typing import BinaryIO, Callable

# work(out, warn, clock): writes the answer to ``out`` (binary), calls ``warn(text)`` for
# each warning, ``clock(True)`` when query work starts (the time limit counts from there)
# and ``clock(False)`` while it loads the graph (which does not count).
Work = Callable[[BinaryIO, Callable[[str], None], Callable[[bool], None]], None]

_GRACE = 5.0        # the child's own alarm rings this long after the limit


def _user_error(message: str, code: int = 2) -> Exception:
    from kg.errors import UserError

    return UserError(message, code)


def time_limit_message(seconds: float) -> str:
    shown = f"{seconds:g}"
    return (f"query stopped: it ran longer than the time limit of {shown} s "
            "(--timeout SECONDS to change it, 0 for none)")


def run_stoppable(work: Work, timeout: float | None, warn: Callable[[str], None]) -> None:
    """Run ``work`` in a child process; copy its answer to stdout; stop it on a signal or at ``timeout``.

    Raises ``UserError`` for the child's errors and for the time limit (exit status 2);
    KeyboardInterrupt (and kg.cli's Terminated) pass through after the child is killed.
    """
    if not hasattr(os, "fork"):  # pragma: no cover - Windows: no child, no limit
        _run_here(work, warn)
        return
    data_r, data_w = os.pipe()
    ctrl_r, ctrl_w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        os.close(data_r)
        os.close(ctrl_r)
        _child(work, data_w, ctrl_w, timeout)
    os.close(data_w)
    os.close(ctrl_w)
    try:
        error = _supervise(pid, data_r, ctrl_r, timeout, warn)
    except BaseException:
        _kill(pid)
        raise
    finally:
        os.close(data_r)
        os.close(ctrl_r)
    if error is not None:
        raise _user_error(*error)


def _supervise(pid: int, data_r: int, ctrl_r: int, timeout: float | None,
               warn: Callable[[str], None]) -> tuple[str, int] | None:
    """Copy the child's answer to stdout until it ends; the child's error, if any."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    sel = selectors.DefaultSelector()
    sel.register(data_r, selectors.EVENT_READ, "data")
    sel.register(ctrl_r, selectors.EVENT_READ, "ctrl")
    pending = b""
    error = None
    deadline = None
    try:
        while sel.get_map():
            wait = 0.5
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    _kill(pid)
                    raise _user_error(time_limit_message(timeout))
                wait = min(wait, left)
            for key, _ in sel.select(wait):
                chunk = os.read(key.fd, 1 << 16)
                if not chunk:
                    sel.unregister(key.fd)
                elif key.data == "data":
                    began = time.monotonic()
                    sys.stdout.write(decoder.decode(chunk))
                    if deadline is not None:   # time spent waiting on our reader does not count
                        deadline += time.monotonic() - began
                else:
                    pending += chunk
                    *lines, pending = pending.split(b"\n")
                    for line in lines:
                        message = json.loads(line)
                        if "warning" in message:
                            warn(message["warning"])
                        elif "query" in message and timeout:
                            deadline = time.monotonic() + timeout if message["query"] else None
                        elif "error" in message:
                            error = (message["error"], int(message.get("code", 2)))
    finally:
        sel.close()
    sys.stdout.write(decoder.decode(b"", final=True))
    _, status = os.waitpid(pid, 0)
    if error is None and status != 0:
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            if sig == getattr(signal, "SIGALRM", -1) and timeout:
                return time_limit_message(timeout), 2
            return f"query stopped by {signal.Signals(sig).name}", 2
        return f"query process ended with status {os.WEXITSTATUS(status)}", 70
    return error


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (best effort, elsewhere a no-op)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)     # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child(work: Work, data_w: int, ctrl_w: int, timeout: float | None) -> None:  # pragma: no cover
    code = 0
    try:
        for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGPIPE", "SIGALRM"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_DFL)
        _die_with_parent()
        out = os.fdopen(data_w, "wb", buffering=1 << 16)
        ctrl = os.fdopen(ctrl_w, "wb", buffering=0)

        def send(message: dict) -> None:
            ctrl.write(json.dumps(message).encode("utf-8") + b"\n")

        def clock(running: bool) -> None:
            if timeout:
                signal.setitimer(signal.ITIMER_REAL, timeout + _GRACE if running else 0)
            send({"query": running})

        try:
            work(out, lambda text: send({"warning": text}), clock)
            out.flush()
        except BrokenPipeError:
            pass
        except Exception as exc:  # noqa: BLE001 - reported to the parent as one line
            from kg.errors import UserError

            if isinstance(exc, UserError):
                send({"error": str(exc), "code": exc.code})
                code = exc.code
            else:
                send({"error": f"internal error: {type(exc).__name__}: {' '.join(str(exc).split())}",
                      "code": 70})
                code = 70
    except BaseException:  # noqa: BLE001 - never let the child run on into the caller's code
        code = 70
    finally:
        os._exit(code)


def _run_here(work: Work, warn: Callable[[str], None]) -> None:  # pragma: no cover - no fork
    out = sys.stdout.buffer
    sys.stdout.flush()
    work(out, warn, lambda running: None)
    out.flush()
