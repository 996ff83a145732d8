"""Every error kg reports to the user as one line: the one module all others may import.

It imports nothing of kg, so the command modules, the stages and the engines can all
raise these without importing one another (cli on top, stages below, this at the bottom).
"""
from __future__ import annotations


class KgError(Exception):
    """Base of kg's expected failures: the message is one line for the user."""


class UserError(KgError):
    """An error the user can act on: printed as one line, exit status ``code``."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


class EngineError(KgError):
    """The worker pool or the Dask cluster cannot run (one line for the user)."""


class ModelError(KgError):
    """The spaCy model cannot be loaded (one line for the user)."""
