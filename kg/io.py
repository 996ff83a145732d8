"""Atomic output: every file kg writes goes through here.

Each output is written to a temporary file in the same folder (``.NAME.XXXX.tmp``),
flushed to disk, then renamed over the old file with :func:`os.replace`, which is
atomic on POSIX and Windows. A build that fails or is interrupted (Ctrl-C,
SIGTERM: ``kg.cli`` turns both into ``KeyboardInterrupt``) therefore leaves
every previous output whole, and removes its temporary files on the way out.

:func:`write_outputs` writes a set of files: all are staged first, then renamed
in one step during which SIGINT and SIGTERM are held back, so an interrupted
build leaves either all the old outputs or all the new ones (but a SIGKILL
during the renames can split them: a build's outputs go through
kg.output_set, which switches a whole set by one rename).
"""
from __future__ import annotations

import contextlib
import os
import secrets
import signal
import threading
from pathlib import Path
from typing import Iterator, Mapping

TEMP_SUFFIX = ".tmp"


def temp_name_prefix(path: Path) -> str:
    """The prefix of the temporary files that stand in for ``path`` while it is written."""
    return f".{path.name}."


def _stage(path: Path, data: str | bytes, sync: bool, temps: list[Path]) -> Path:
    """``data`` in a flushed temporary file beside ``path``; removed again on any failure.

    The temporary file's name is added to ``temps`` before the file is created, so
    that the caller can remove it whenever an exception (a signal: KeyboardInterrupt)
    strikes, even between the creation and the return.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = None
    try:
        for _ in range(100):
            tmp = path.parent / f"{temp_name_prefix(path)}{secrets.token_hex(4)}{TEMP_SUFFIX}"
            temps.append(tmp)
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            except FileExistsError:   # another writer's file: not ours to remove
                temps.remove(tmp)
                tmp = None
                continue
            break
        else:  # pragma: no cover
            raise FileExistsError(f"no free temporary name beside {path}")
        with os.fdopen(fd, "wb") as fh:
            write_data(fh, data, sync)
        _keep_mode(path, tmp)
    except BaseException:
        if tmp is not None:
            _unlink(tmp)
        raise
    return tmp


def _keep_mode(path: Path, tmp: Path) -> None:
    """A replaced file keeps its permissions (a new one has the usual 0o666 less the umask)."""
    try:
        os.chmod(tmp, path.stat().st_mode & 0o7777)
    except FileNotFoundError:
        pass


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _sync_dir(folder: Path) -> None:
    """Make the renames durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP back for the duration of the block (main thread only).

    A signal that arrives meanwhile is acted on, by the handler that was in
    place, when the block ends. (Python-level: blocking the signal in the main
    thread alone would not do, another thread could take it.)
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {}
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None and signal.getsignal(signum) is not None:
            previous[signum] = signal.signal(signum, lambda s, _f: caught.append(s))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(caught):
            handler = previous[signum]
            if callable(handler):
                handler(signum, None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(signum)


def write_atomic(path: str | os.PathLike, data: str | bytes, sync: bool = True) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    An interrupted or failed write leaves the previous file whole. ``sync=False``
    skips the fsync calls (for caches: a lost entry after a power cut is only a miss).
    """
    write_outputs({Path(path): data}, sync=sync)


def write_outputs(files: Mapping[str | os.PathLike, str | bytes], sync: bool = True) -> None:
    """Write several files atomically as a set: stage them all, then rename them all at once.

    If anything fails while staging, no file is replaced and every temporary
    file is removed. The renames run with SIGINT/SIGTERM held back.
    """
    targets = [Path(path) for path in files]
    temps: list[Path] = []
    try:
        staged = [_stage(path, data, sync, temps) for path, data in zip(targets, files.values())]
        with signals_held():
            for tmp, path in zip(staged, targets):
                os.replace(tmp, path)
    except BaseException:
        for tmp in temps:
            _unlink(tmp)     # those already renamed are gone: nothing to do
        raise
    if sync:
        for folder in sorted({path.parent for path in targets}):
            _sync_dir(folder)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside ``path`` for a library that writes files itself.

    The block writes to the yielded path; when it ends without an error the
    file is renamed over ``path``, otherwise it is removed::

        with atomic_path(out / "graph.nt") as tmp:
            graph.serialize(destination=tmp, format="nt")
    """
    path = Path(path)
    temps: list[Path] = []
    try:
        tmp = _stage(path, b"", False, temps)
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        with signals_held():
            os.replace(tmp, path)
    except BaseException:
        for tmp in temps:
            _unlink(tmp)
        raise
    _sync_dir(path.parent)


def leftover_temp_files(folder: str | os.PathLike) -> list[Path]:
    """Temporary files of an earlier write in ``folder`` (left only by a killed process: SIGKILL, power loss)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(TEMP_SUFFIX))


def write_data(fh, data: str | bytes, sync: bool) -> None:
    """Write ``data`` to the open binary file ``fh`` (a str as UTF-8, encoded in slices so a large
    output is never held twice, as str and as bytes), flushed, and synced to disk if ``sync``."""
    if isinstance(data, str):
        step = 1 << 20
        for start in range(0, len(data), step):
            fh.write(data[start:start + step].encode("utf-8"))
    else:
        fh.write(data)
    fh.flush()
    if sync:
        os.fsync(fh.fileno())
