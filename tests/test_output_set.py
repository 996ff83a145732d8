"""Outputs all or nothing: the output set is switched in one step, and a kill at any instant
leaves the whole old set or the whole new one (fault injection with SIGKILL)."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.output_set import SET_LINK, current_set, remove_leftovers, write_output_set
from kg.pipeline import OUTPUT_FILES
from kg.vocab import ROOT

NAMES = ("graph.ttl", "graph.html", "report.md", "analysis.json", "graph.nt")


def read_set(out: Path, names=NAMES) -> dict[str, bytes | None]:
    return {n: (out / n).read_bytes() if (out / n).exists() else None for n in names}


def test_names_are_links_into_the_current_set_and_other_files_stay(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    write_output_set(out, {"graph.ttl": "one", "report.md": "r1", "figures/a.svg": "<svg/>"})
    assert read_set(out, ("graph.ttl", "report.md", "figures/a.svg")) == {
        "graph.ttl": b"one", "report.md": b"r1", "figures/a.svg": b"<svg/>"}
    assert os.readlink(out / "graph.ttl") == f"{SET_LINK}/graph.ttl"
    first = current_set(out)
    write_output_set(out, {"graph.ttl": "two", "report.md": b"r2"})
    assert read_set(out, ("graph.ttl", "report.md")) == {"graph.ttl": b"two", "report.md": b"r2"}
    assert not (out / "figures").exists() and not (out / "figures").is_symlink()   # gone with its set
    assert not first.exists()
    assert (out / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [".kg-set", current_set(out).name, "graph.ttl", "notes.txt", "report.md"])


def test_plain_files_of_an_older_kg_are_adopted_keeping_their_bytes(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text("old graph")
    (out / "report.md").write_text("old report")
    write_output_set(out, {"graph.ttl": "new graph", "report.md": "new report", "graph.nt": "nt"})
    assert read_set(out, ("graph.ttl", "report.md", "graph.nt")) == {
        "graph.ttl": b"new graph", "report.md": b"new report", "graph.nt": b"nt"}
    assert all((out / n).is_symlink() for n in ("graph.ttl", "report.md", "graph.nt"))
    assert len([p for p in out.iterdir() if p.name.startswith(".kg-set-")]) == 1


def test_a_folder_copied_with_its_links_followed_builds_again(tmp_path):
    import shutil
    out = tmp_path / "out"
    write_output_set(out, {"graph.ttl": "one", "report.md": "r1"})
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)                 # follows the links: .kg-set becomes a folder
    assert (copy / SET_LINK).is_dir() and not (copy / SET_LINK).is_symlink()
    done = write_output_set(copy, {"graph.ttl": "two", "report.md": "r2"})
    assert read_set(copy, ("graph.ttl", "report.md")) == {"graph.ttl": b"two", "report.md": b"r2"}
    assert (copy / SET_LINK).is_symlink() and SET_LINK in done.removed
    assert read_set(out, ("graph.ttl", "report.md")) == {"graph.ttl": b"one", "report.md": b"r1"}


def test_leftovers_of_a_killed_build_are_removed_and_named(tmp_path):
    out = tmp_path / "out"
    write_output_set(out, {"graph.ttl": "one"})
    live = current_set(out)
    (out / ".kg-set-999999999-deadbeef").mkdir()                 # a staging folder of a dead process
    (out / ".kg-set-999999999-deadbeef" / "graph.ttl").write_text("half")
    (out / ".graph.ttl.0123abcd.tmp").write_text("half")         # a temporary file of an older kg
    (out / ".kg-set.89abcdef.tmp").symlink_to("nowhere")         # a switch that never happened
    (out / f".kg-set-{os.getppid()}-0badc0de").mkdir()          # a live process's staging: not touched
    (out / ".notes.tmp").write_text("mine")                      # not a name kg makes: not touched
    removed = remove_leftovers(out)
    assert removed == [".graph.ttl.0123abcd.tmp", ".kg-set-999999999-deadbeef", ".kg-set.89abcdef.tmp"]
    assert live.is_dir() and (out / f".kg-set-{os.getppid()}-0badc0de").is_dir()
    assert (out / ".notes.tmp").read_text() == "mine"
    assert (out / "graph.ttl").read_text() == "one"


def test_a_failure_while_staging_keeps_the_old_set(tmp_path, monkeypatch):
    import kg.output_set

    out = tmp_path / "out"
    write_output_set(out, {"graph.ttl": "one", "report.md": "r1"})
    real = kg.output_set._write_file

    def interrupted(path, data, sync):
        if path.name == "report.md":
            raise KeyboardInterrupt
        real(path, data, sync)

    monkeypatch.setattr(kg.output_set, "_write_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_output_set(out, {"graph.ttl": "two", "report.md": "r2"})
    assert read_set(out, ("graph.ttl", "report.md")) == {"graph.ttl": b"one", "report.md": b"r1"}
    assert [p.name for p in out.iterdir() if p.name.startswith(".kg-set-")] == [current_set(out).name]


WRITER = """
import sys
from kg.output_set import write_output_set
out, names = sys.argv[1], sys.argv[2].split(",")
n = 0
while True:
    tag = "AB"[n % 2]
    write_output_set(out, {name: (tag + name) * 20000 for name in names})
    n += 1
"""


def _whole(out: Path) -> str:
    """'A' or 'B' when every output is from the same set; fails the test otherwise."""
    contents = read_set(out)
    tags = {name: (data[:1].decode() if data is not None else None) for name, data in contents.items()}
    assert len(set(tags.values())) == 1, f"mixed output set: {tags}"
    (tag,) = set(tags.values())
    assert all(data == (tag + name).encode() * 20000 for name, data in contents.items()), "a damaged file"
    return tag


@pytest.mark.slow
def test_sigkill_at_random_instants_leaves_a_whole_set(tmp_path):
    """30 writers killed with SIGKILL at random instants while they switch sets again and again."""
    out = tmp_path / "out"
    write_output_set(out, {name: ("A" + name) * 20000 for name in NAMES})
    rng = random.Random(16)
    seen = set()
    for _ in range(30):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(out), ",".join(NAMES)], cwd=ROOT)
        time.sleep(0.6 + rng.random() * 0.6)     # the import takes about half a second
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        seen.add(_whole(out))
    assert seen == {"A", "B"}                    # the kills fell on both sides of a switch
    removed = write_output_set(out, {name: ("A" + name) * 20000 for name in NAMES}).removed
    assert _whole(out) == "A"
    assert all(r.startswith(".") for r in removed)
    assert [p.name for p in out.iterdir() if p.name.startswith(".kg-set-")] == [current_set(out).name]
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


# ------------------------------------------------------------------ real builds killed at random

BUILD_FILES = OUTPUT_FILES      # every file a build writes, figures included


@pytest.mark.slow
@pytest.mark.model
def test_builds_killed_at_random_instants_leave_a_whole_output_set(tmp_path):
    """Two corpora built in turn into one folder (their articles cached), each build killed
    with SIGKILL at a random instant: the outputs are always all of one build or all of the other."""
    articles = sorted((Path(__file__).parent / "corpus" / "articles").glob("*.txt"))
    corpora = {}
    for key, chosen in (("A", articles[:3]), ("B", articles[3:6])):
        folder = tmp_path / key
        folder.mkdir()
        for path in chosen:
            (folder / path.name).write_bytes(path.read_bytes())
        corpora[key] = folder

    def build(key: str, out: Path, cache: Path) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(corpora[key]), "--out", str(out),
                                 "--cache-dir", str(cache), "--workers", "1", "-q", "--no-validate"], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    cache = tmp_path / "cache"
    expected, durations = {}, []
    for key in "AB":
        started = time.monotonic()
        proc = build(key, tmp_path / f"clean-{key}", cache)
        assert proc.wait() == 0, proc.stderr.read()
        durations.append(time.monotonic() - started)
        expected[key] = {n: (tmp_path / f"clean-{key}" / n).read_bytes() for n in BUILD_FILES}
    assert expected["A"]["graph.ttl"] != expected["B"]["graph.ttl"]
    again = build("A", tmp_path / "again-A", cache)       # same input, same bytes: the check below is exact
    assert again.wait() == 0
    assert {n: (tmp_path / "again-A" / n).read_bytes() for n in BUILD_FILES} == expected["A"]

    out = tmp_path / "out"
    assert build("A", out, cache).wait() == 0
    rng = random.Random(1618)
    span = max(durations) * 1.1
    outcomes = []
    for run in range(30):
        key = "BA"[run % 2]
        proc = build(key, out, cache)
        time.sleep(rng.random() * span)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        found = {n: (out / n).read_bytes() for n in BUILD_FILES}
        whole = [k for k in "AB" if found == expected[k]]
        assert whole, f"run {run}: the output set is not one build's: " + ", ".join(
            f"{n}={'A' if found[n] == expected['A'][n] else 'B' if found[n] == expected['B'][n] else '?'}"
            for n in BUILD_FILES)
        outcomes.append(whole[0])
    proc = build("A", out, cache)
    assert proc.wait() == 0
    assert {n: (out / n).read_bytes() for n in BUILD_FILES} == expected["A"]
    assert [p.name for p in out.iterdir() if p.name.startswith(".kg-set-")] == [current_set(out).name]
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    print(f"outcomes: {''.join(outcomes)}")
