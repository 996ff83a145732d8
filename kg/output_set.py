"""A build's outputs as one set, switched in one step: a kill at any instant leaves the whole
old set or the whole new one (docs/robustness.md, "Outputs are replaced whole").
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from kg.io import TEMP_SUFFIX, _sync_dir, _unlink, signals_held, write_data, write_outputs

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
        write_data(fh, data, sync)


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


def _drop_copied_set(out: Path) -> list[str]:
    """An ``out/.kg-set`` that is a folder, not a link (an output folder copied with its links
    followed, e.g. by ``shutil.copytree`` or ``cp -rL``), cannot be switched by a rename: the
    output names beside it are plain copies, so it is removed and they are adopted instead."""
    folder = out / SET_LINK
    if not folder.is_dir() or folder.is_symlink():
        return []
    aside = out / f"{SET_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    os.rename(folder, aside)
    shutil.rmtree(aside, ignore_errors=True)
    return [SET_LINK]


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
    report.removed += _drop_copied_set(out)
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
