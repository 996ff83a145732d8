"""`kg build` checks its options before any work: a real calendar date, an output folder that is not a file."""
from __future__ import annotations

import subprocess
import sys

import pytest

from kg import cli
from kg.vocab import ROOT


@pytest.fixture()
def no_work(monkeypatch):
    """Fail the test if the build starts (reading, parsing or writing anything)."""
    import kg.ingest
    import kg.pipeline

    def refuse(*args, **kwargs):
        raise AssertionError("the build started before the options were checked")

    monkeypatch.setattr(kg.pipeline, "build", refuse)
    monkeypatch.setattr(kg.ingest, "expand_inputs", refuse)


@pytest.mark.parametrize("date,message", [
    ("2025-13-45", "--date 2025-13-45 is not a real calendar date (month must be in 1..12)"),
    ("2025-02-30", "--date 2025-02-30 is not a real calendar date (day is out of range for month)"),
    ("2023-02-29", "--date 2023-02-29 is not a real calendar date (day is out of range for month)"),
    ("2025-2-3", "--date '2025-2-3' is not a date written YYYY-MM-DD"),
    ("yesterday", "--date 'yesterday' is not a date written YYYY-MM-DD"),
])
def test_bad_date_is_one_line_and_exit_2_before_any_work(tmp_path, capsys, no_work, date, message):
    code = cli.main(["build", str(tmp_path), "--out", str(tmp_path / "out"), "--date", date])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == f"kg build: error: {message}\n"
    assert not (tmp_path / "out").exists()


def test_a_leap_day_is_a_date(tmp_path, capsys, monkeypatch):
    from kg.build_cmd import check_date

    assert check_date("2024-02-29") == "2024-02-29"


def test_out_naming_a_file_fails_before_any_work(tmp_path, capsys, no_work):
    target = tmp_path / "graph.ttl"
    target.write_text("keep me")
    for out, message in [(target, f"--out {target} is a file, not a folder: name a folder for the outputs"),
                         (target / "sub", f"--out {target / 'sub'}: {target} is a file, not a folder")]:
        code = cli.main(["build", str(ROOT / "data" / "articles"), "--out", str(out)])
        _, err = capsys.readouterr()
        assert code == 2 and err == f"kg build: error: {message}\n"
    assert target.read_text() == "keep me"


def test_bad_date_from_the_command_line_is_exactly_one_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(tmp_path), "--date", "2025-02-30"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "kg build: error: --date 2025-02-30 is not a real calendar date (day is out of range for month)"]


@pytest.mark.model
def test_quiet_build_prints_nothing_and_one_article_is_singular(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "note.txt").write_text("Chile imposed a quota on copper exports to Peru on Monday, "
                                     "Trade Minister Ana Rojas said.\n", encoding="utf-8")
    argv = [sys.executable, "-m", "kg.cli", "build", str(source), "--out", str(tmp_path / "out"), "--workers", "1"]
    loud = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT)
    assert loud.returncode == 0, loud.stderr
    assert loud.stdout.startswith("kg build: 1 article built, 0 skipped, ")
    quiet = subprocess.run(argv + ["-q"], capture_output=True, text=True, cwd=ROOT)
    assert quiet.returncode == 0 and quiet.stdout == ""
    assert "conforms" in loud.stderr and "conforms" not in quiet.stderr
