"""Atomic output: every file kg writes goes through here.

Each output is written to a temporary file in the same folder (``.NAME.XXXX.tmp``),
flushed to disk, then renamed over the old file with :func:`os.replace`, which is
atomic on POSIX and Windows. A build that fails or is interrupted (Ctrl-C,
SIGTERM: ``kg.cli`` turns both into ``KeyboardInterrupt``) therefore leaves
every previous output whole, and removes its temporary files on the way out.

:func:`write_outputs` writes a set of files: all are staged first, then renamed
in one step during which SIGINT and SIGTERM are held back, so an interrupted
build leaves either all the old outputs or all the new ones.
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import threading
from dataclasses import dataclass, field
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
            if isinstance(data, str):
                # Encode in slices: a large output is never held twice (as str and as bytes).
                step = 1 << 20
                for start in range(0, len(data), step):
                    fh.write(data[start:start + step].encode("utf-8"))
            else:
                fh.write(data)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
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


# ------------------------------------------------------------ output sets

SET_LINK = ".kg-set"            # OUT/.kg-set -> .kg-set-<pid>-<token>: the current output set
SET_PREFIX = ".kg-set-"
_SET_DIR_RE = re.compile(r"\.kg-set-\d+-[0-9a-f]{8}")
_TEMP_RE = re.compile(r"\..+\.[0-9a-f]{8}\.tmp")     # kg's temporary files and links: .NAME.XXXXXXXX.tmp


@dataclass
class SetWrite:
    """What :func:`write_output_set` did besides writing: the leftovers it removed."""

    removed: list[str] = field(default_factory=list)


def _symlinks_work(folder: Path) -> bool:
    probe = folder / f".kg-probe.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
    try:
        os.symlink("x", probe)
    except (OSError, NotImplementedError, AttributeError):
        return False
    _unlink(probe)
    return True


def current_set(out: str | os.PathLike) -> Path | None:
    """The folder holding the current output set of ``out`` (None before the first build)."""
    link = Path(out) / SET_LINK
    try:
        target = os.readlink(link)
    except OSError:
        return None
    return Path(out) / target


def _pid_alive(name: str) -> bool:
    """Whether the process that named a staging folder ``.kg-set-<pid>-<token>`` still runs."""
    try:
        pid = int(name[len(SET_PREFIX):].split("-", 1)[0])
    except ValueError:
        return False
    if pid == os.getpid():
        return False        # ours from an earlier call in this process: not in use now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(out: str | os.PathLike) -> list[str]:
    """Remove what a killed build left in ``out``: staging folders that are not the current set
    (and whose process has ended), temporary files and links. Returns their names."""
    out = Path(out)
    if not out.is_dir():
        return []
    current = current_set(out)
    removed = []
    for path in sorted(out.iterdir()):
        name = path.name
        if _SET_DIR_RE.fullmatch(name) and path.is_dir() and not path.is_symlink():
            if (current is not None and path.name == current.name) or _pid_alive(name):
                continue
            shutil.rmtree(path, ignore_errors=True)
            removed.append(name)
        elif _TEMP_RE.fullmatch(name):
            _unlink(path)
            removed.append(name)
    return removed


def _write_file(path: Path, data: str | bytes, sync: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        if isinstance(data, str):
            step = 1 << 20
            for start in range(0, len(data), step):
                fh.write(data[start:start + step].encode("utf-8"))
        else:
            fh.write(data)
        fh.flush()
        if sync:
            os.fsync(fh.fileno())


def _link_atomically(target: str, link: Path) -> None:
    """Make ``link`` a symlink to ``target`` in one rename (whatever ``link`` was, file or link)."""
    tmp = link.parent / f".{link.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
    os.symlink(target, tmp)
    try:
        os.replace(tmp, link)
    except BaseException:
        _unlink(tmp)
        raise


def _adopt_old_outputs(out: Path, names: list[str], sync: bool) -> None:
    """Output names that are plain files or folders (a folder written before output sets, or a
    file put there by hand) become links to the same bytes, without changing what they show.

    Each is hard-linked (copied where that fails) into the current set, a new one if there is
    none yet, and then swapped for a link by one rename: at every instant each name shows
    what it showed before.
    """
    plain = [n for n in names if (out / n).exists() and not (out / n).is_symlink()]
    if not plain:
        return
    current = current_set(out)
    fresh = current is None or not current.is_dir()
    if fresh:
        current = out / f"{SET_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        current.mkdir()
    for name in plain:
        tmp = current / f".{name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
        if (out / name).is_dir():
            shutil.copytree(out / name, tmp, copy_function=os.link)
            if (current / name).exists():
                shutil.rmtree(current / name)
            os.rename(tmp, current / name)
        else:
            try:
                os.link(out / name, tmp)
            except OSError:
                shutil.copy2(out / name, tmp)
            os.replace(tmp, current / name)
    if sync:
        _sync_dir(current)
    with signals_held():
        if fresh:
            _flip(out, current, sync)
        for name in plain:
            if (out / name).is_dir():       # a folder cannot be renamed over: out of sight for a moment
                aside = out / f".{name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
                os.rename(out / name, aside)
                _link_atomically(f"{SET_LINK}/{name}", out / name)
                shutil.rmtree(aside)
            else:
                _link_atomically(f"{SET_LINK}/{name}", out / name)


def _flip(out: Path, new_set: Path, sync: bool) -> Path | None:
    """Point ``out/.kg-set`` at ``new_set`` in one rename; returns the set it pointed at before."""
    old = current_set(out)
    _link_atomically(new_set.name, out / SET_LINK)
    if sync:
        _sync_dir(out)
    return old


def write_output_set(out: str | os.PathLike, files: Mapping[str, str | bytes], sync: bool = True) -> SetWrite:
    """Replace the output set in folder ``out`` by ``files`` (name → content) in one step.

    The new files are written into a staging folder ``out/.kg-set-<pid>-<token>/``; each
    output name in ``out`` is a symlink ``NAME -> .kg-set/NAME``, and ``out/.kg-set`` is a
    symlink to the current set's folder, switched to the new one by one rename. A kill at
    any instant leaves the whole old set or the whole new one; staging folders and
    temporary links of a killed build are removed by the next one (``removed``). Other
    files in ``out`` are left alone. Names may have folders (``figures/a.svg``); a
    name's first part is what gets a link. Where symlinks cannot be made, each file is
    renamed into place instead (:func:`write_outputs`).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    report = SetWrite(removed=remove_leftovers(out))
    if not _symlinks_work(out):      # pragma: no cover - Windows without the privilege
        write_outputs({out / name: data for name, data in files.items()}, sync=sync)
        return report
    tops = sorted({Path(name).parts[0] for name in files})
    for top in tops:
        if top.startswith(SET_LINK) or top in ("", ".", ".."):
            raise ValueError(f"not an output name: {top!r}")
    staging = out / f"{SET_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        for name, data in files.items():
            _write_file(staging / name, data, sync)
        if sync:
            for folder in sorted({(staging / name).parent for name in files}):
                _sync_dir(folder)
        _adopt_old_outputs(out, tops, sync)
        with signals_held():
            for top in tops:     # new names dangle until the switch; old ones keep the old set
                link = out / top
                if not (link.is_symlink() and os.readlink(link) == f"{SET_LINK}/{top}"):
                    _link_atomically(f"{SET_LINK}/{top}", link)
            old = _flip(out, staging, sync)
    except BaseException:
        if current_set(out) != staging:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    if old is not None and old != staging:
        for path in sorted(old.iterdir()):       # names the new set no longer has
            link = out / path.name
            if path.name not in tops and link.is_symlink() and os.readlink(link) == f"{SET_LINK}/{path.name}":
                _unlink(link)
        shutil.rmtree(old, ignore_errors=True)
    return report
