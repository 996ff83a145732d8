"""The ``kg`` command: thin wrappers over plain functions.

Each sub-command lives in its own module that exposes ``add_parser(subparsers)``
and a ``command(args) -> int``; this module only wires them together and turns
every expected failure into one line on stderr and an exit status.
"""
from __future__ import annotations

import argparse
import logging
import sys

from kg import __version__


class UserError(Exception):
    """An error the user can act on: printed as one line, exit status ``code``."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def build_parser() -> argparse.ArgumentParser:
    from kg import build_cmd, query, validate

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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
    except KeyboardInterrupt:
        print(f"kg {args.command}: interrupted; previous outputs left as they were", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
