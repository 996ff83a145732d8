"""The ``kg`` command: thin wrappers over plain functions.

Each sub-command lives in its own module that exposes ``add_parser(subparsers)``
and a ``command(args) -> int``; this module only wires them together and turns
every expected failure into one line on stderr and an exit status.
"""
from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from kg import __version__
from kg.errors import UserError

__all__ = ["UserError", "build_parser", "main"]


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl-C so the same clean-up runs (temporary files removed)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _terminate(signum, _frame):
    raise Terminated(signum)


def _catch_termination() -> dict:
    """Turn SIGTERM and SIGHUP into :class:`Terminated` (by default they kill without clean-up)."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None and signal.getsignal(signum) in (signal.SIG_DFL, None):
            previous[signum] = signal.signal(signum, _terminate)
    return previous


def build_parser() -> argparse.ArgumentParser:
    from kg import build_cmd, query, serve, text_cmd, validate

    parser = argparse.ArgumentParser(
        prog="kg",
        description="Build a knowledge graph of who did what from a folder of English news articles.",
    )
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log diagnostics to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    build_cmd.add_parser(sub)
    query.add_parser(sub)
    validate.add_parser(sub)
    serve.add_parser(sub)
    text_cmd.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    previous = _catch_termination()
    try:
        args = build_parser().parse_args(argv)
    except KeyboardInterrupt as exc:     # stopped while starting: nothing written yet
        _restore(previous)
        signum = exc.signum if isinstance(exc, Terminated) else signal.SIGINT
        print(f"kg: interrupted ({signal.Signals(signum).name})", file=sys.stderr)
        return 128 + signum
    except BaseException:                # argparse's SystemExit for --help and usage errors
        _restore(previous)
        raise
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="kg: %(message)s",
        stream=sys.stderr,
    )
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"kg {args.command}: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, Terminated) else signal.SIGINT
        kept = "; previous outputs left as they were" if args.command == "build" else ""
        print(f"kg {args.command}: interrupted ({signal.Signals(signum).name}){kept}", file=sys.stderr)
        return 128 + signum
    except BrokenPipeError:
        return 0
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"kg {args.command}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: still one line, the traceback only with --verbose
        if args.verbose:
            logging.getLogger("kg").exception("internal error")
        print(f"kg {args.command}: internal error: {type(exc).__name__}: {' '.join(str(exc).split())} "
              "(run with -v for the traceback)", file=sys.stderr)
        return 70
    finally:
        _restore(previous)


def _restore(previous: dict) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
