"""``kg serve GRAPH.ttl``: the graph over the SPARQL 1.1 Protocol, read-only, on localhost.

The server is Oxigraph's own (the ``oxigraph`` command from the package of that
name, ``oxigraph serve-read-only``): kg loads the graph file into an Oxigraph
store in a temporary folder, starts the server on that store, waits until it
answers, says where, and stops it on Ctrl-C or SIGTERM, removing the folder.

Endpoints (Oxigraph's): ``/query`` (GET or POST, results negotiated by the Accept
header: SPARQL JSON, XML, CSV, TSV; Turtle, N-Triples, JSON-LD... for graphs) and
``/`` (YASGUI, a query page for the browser, served by Oxigraph itself, no network
needed). A read-only server has no update endpoint: updates are refused.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from kg.errors import UserError

log = logging.getLogger(__name__)

DEFAULT_PORT = 7878
DEFAULT_HOST = "127.0.0.1"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
START_TIMEOUT = 180.0    # seconds for the server to answer once started (a loaded machine is slow)
STOP_TIMEOUT = 10.0      # seconds for it to exit once asked


def _user_error(message: str, code: int = 2) -> Exception:
    return UserError(message, code)


def _one_line(text) -> str:
    return " ".join(str(text).split())


def oxigraph_binary() -> str:
    """The ``oxigraph`` command: beside this Python (the virtual environment's bin/), else on PATH."""
    here = Path(sys.executable).parent / "oxigraph"
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise _user_error("the oxigraph server is not installed: pip install oxigraph "
                      "(./scripts/setup installs the pinned version)")


def load_store(graph: Path, location: Path) -> int:
    """Bulk-load ``graph`` (Turtle, or N-Triples/JSON-LD/... by extension) into an on-disk
    Oxigraph store at ``location``; returns its number of triples. The store is closed after."""
    import pyoxigraph as ox

    if not graph.exists():
        raise _user_error(f"cannot read {graph}: no such file")
    if graph.is_dir():
        raise _user_error(f"cannot read {graph}: it is a folder, not a graph file")
    suffix = graph.suffix.lstrip(".").lower()
    fmt = (ox.RdfFormat.from_extension(suffix) if suffix not in ("", "ttl", "turtle") else None) \
        or ox.RdfFormat.TURTLE
    try:
        store = ox.Store(str(location))
        store.bulk_load(path=str(graph), format=fmt)
        store.flush()
        size = len(store)
    except SyntaxError as exc:
        raise _user_error(f"{graph} is not valid {fmt.name}: {_one_line(exc)}") from None
    except (OSError, ValueError) as exc:
        raise _user_error(f"cannot read {graph}: {_one_line(exc)}") from None
    del store        # closes the database, so that the server can open it
    return size


def _port_free(host: str, port: int) -> bool:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise _user_error(f"cannot bind to {host}: unknown host") from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        try:
            s.bind(address)
        except OSError:
            return False
    return True


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _last_line(log_file: Path) -> str:
    try:
        lines = [line for line in log_file.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    except OSError:
        lines = []
    return _one_line(lines[-1]) if lines else "no message"


def _wait_until_up(proc: subprocess.Popen, url: str, log_file: Path, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise _user_error(f"the oxigraph server stopped at start: {_last_line(log_file)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise _user_error(f"the oxigraph server did not answer within {timeout:.0f} s")


def _child_setup() -> None:  # pragma: no cover - runs in the child between fork and exec
    """In the server's process: die with kg (Linux), and take SIGINT/SIGTERM at their defaults."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)    # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server: SIGTERM (it holds no unsaved state: the store is read-only), then SIGKILL."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def serve(graph: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, timeout: int | None = None,
          announce=None) -> int:
    """Serve ``graph`` until interrupted; returns the server's exit status (0 when stopped by us).

    ``announce(base_url, triples, graph)`` is called once the server answers (default: a line on stderr).
    """
    binary = oxigraph_binary()
    if not 0 < port < 65536:
        raise _user_error(f"port {port} is out of range (1-65535)")
    if not _port_free(host, port):
        raise _user_error(f"port {port} on {host} is in use: choose another with --port")
    with tempfile.TemporaryDirectory(prefix="kg-serve-") as tmp:
        location = Path(tmp) / "store"
        triples = load_store(Path(graph), location)
        cmd = [binary, "serve-read-only", "--location", str(location), "--bind", f"{_url_host(host)}:{port}"]
        if timeout:
            cmd += ["--timeout-s", str(timeout)]
        log.info("starting %s", " ".join(cmd))
        # Its own process group: a Ctrl-C in the terminal reaches kg, which stops the server itself.
        # Its messages go to a file (a pipe nobody reads could fill up and stall it).
        log_file = Path(tmp) / "server.log"
        with open(log_file, "wb") as err:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                    start_new_session=True, preexec_fn=_child_setup)
        try:
            base = f"http://{_url_host(host)}:{port}"
            _wait_until_up(proc, base + "/query?query=ASK%7B%7D", log_file)
            (announce or _announce)(base, triples, Path(graph))
            code = proc.wait()
            if code:
                raise _user_error(f"the oxigraph server stopped (exit status {code}): {_last_line(log_file)}")
            return 0
        except KeyboardInterrupt:      # Ctrl-C, and SIGTERM/SIGHUP through kg.cli
            _stop(proc)
            print("kg serve: stopped", file=sys.stderr)
            return 0
        finally:
            _stop(proc)


def _announce(base: str, triples: int, graph: Path) -> None:
    print(f"kg serve: {graph} ({triples} triples) read-only at {base}/query (SPARQL 1.1 Protocol); "
          f"query page {base}/ ; Ctrl-C stops", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ the command

def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "serve",
        help="serve a graph read-only over the SPARQL 1.1 Protocol on localhost",
        description=(
            "Serve GRAPH.ttl read-only over the SPARQL 1.1 Protocol with Oxigraph's server: queries at "
            "http://127.0.0.1:PORT/query (for SPARQLWrapper, Jena, YASGUI, notebooks), a query page at "
            "http://127.0.0.1:PORT/. Updates are refused. Queries declare their own prefixes. "
            "Ctrl-C stops it."
        ),
    )
    p.add_argument("graph", metavar="GRAPH.ttl", help="the graph file (Turtle; .nt and .jsonld work too)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port (default: %(default)s)")
    p.add_argument("--host", default=DEFAULT_HOST,
                   help="address to bind (default: %(default)s, this machine only; 0.0.0.0 exposes the "
                        "graph to every host that can reach this one)")
    p.add_argument("--timeout", type=int, metavar="SECONDS", help="stop any query that runs longer than this")
    p.set_defaults(func=command)


def command(args) -> int:
    if args.host not in LOCAL_HOSTS:
        print(f"kg serve: warning: binding to {args.host}: other machines may query this graph",
              file=sys.stderr)
    if args.timeout is not None and args.timeout < 1:
        raise _user_error("--timeout must be at least 1 second")
    return serve(Path(args.graph), host=args.host, port=args.port, timeout=args.timeout)
