"""kg.forked: a job in a forked child gives what it would give in this process, and fails in one line."""
from __future__ import annotations

import os
import signal

import pytest

from kg import forked

needs_fork = pytest.mark.skipif(not forked.available(), reason="fork is not available here")


@needs_fork
def test_the_child_sees_this_process_memory_and_returns_its_result():
    big = {i: str(i) for i in range(100_000)}           # inherited, never pickled
    job = forked.start(lambda: (os.getpid(), sum(len(v) for v in big.values())))
    assert job.forked
    pid, total = job.result()
    assert pid != os.getpid()
    assert total == sum(len(v) for v in big.values())


def test_without_fork_the_job_runs_here_when_asked():
    ran = []
    job = forked.start(lambda: ran.append(os.getpid()) or "done", use_fork=False)
    assert not job.forked and ran == []
    assert job.result() == "done" and ran == [os.getpid()]


def test_kg_no_fork_turns_it_off(monkeypatch):
    monkeypatch.setenv("KG_NO_FORK", "1")
    assert not forked.start(lambda: 1).forked


@needs_fork
def test_an_exception_in_the_child_is_one_line():
    def fail():
        raise ValueError("bad graph\nsecond line")

    with pytest.raises(forked.ForkedError, match="ValueError: bad graph"):
        forked.start(fail).result()


@needs_fork
def test_a_child_that_dies_is_reported():
    job = forked.start(lambda: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(forked.ForkedError, match="died"):
        job.result()


@needs_fork
def test_cancel_stops_a_running_child():
    import time

    job = forked.start(lambda: time.sleep(60))
    job.cancel()
    assert not job._process.is_alive()


@pytest.mark.parametrize("use_fork", [True, False])
def test_a_job_can_start_on_what_it_has_and_receive_the_rest(use_fork):
    before = list(range(10))
    job = forked.start(lambda receive: sum(before) + sum(receive()), use_fork=use_fork, receives=True)
    before.append(1000)                  # the child's copy was taken at fork time
    job.send([1, 2, 3])
    expected = 45 + 6 if job.forked else 1045 + 6
    assert job.result() == expected


def test_a_job_that_never_got_its_input_fails_in_one_line():
    job = forked.start(lambda receive: receive(), use_fork=False, receives=True)
    with pytest.raises(forked.ForkedError, match="never sent"):
        job.result()
