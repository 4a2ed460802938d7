"""Fuzz every physml command against the error contract (README): bad input gives one line
`physml: error: ...` and exit code 2, never a traceback or a signal; no file is left behind by a
failed run, and no existing file is replaced without --overwrite.

The generators live in fuzz_strategies.py, shared with benchmarks/fuzz_cli.py (long runs).
Default: a few examples per command, sized for CI. PHYSML_FUZZ_EXAMPLES=500 runs 500 batches per
command, with shrinking, for a hunt.
"""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import fuzz_strategies as fz

LONG = int(os.environ.get("PHYSML_FUZZ_EXAMPLES", "0"))
TIMEOUT = float(os.environ.get("PHYSML_FUZZ_TIMEOUT", "30"))
# Cases of one example run side by side: each run is mostly interpreter start-up on one core.
JOBS = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 2))
BATCH = 2 * JOBS

FUZZ = settings(
    max_examples=LONG or 1,
    deadline=None,
    # the same cases on every machine and every run, so a failure in CI reproduces locally
    derandomize=True,
    database=None,
    # shrinking reruns subprocesses dozens of times: worth it in a hunt, not in every CI run
    phases=(Phase.explicit, Phase.generate, Phase.shrink) if LONG else
           (Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

COMMANDS = fz.cli_commands()
STRATEGIES = fz.strategies()


@pytest.fixture(scope="session")
def fuzz_fixtures(tmp_path_factory):
    return fz.build_fixtures(tmp_path_factory.mktemp("fuzz-fixtures"))


def test_every_command_has_a_strategy():
    missing = sorted(set(COMMANDS) - set(STRATEGIES))
    stale = sorted(set(STRATEGIES) - set(COMMANDS))
    assert not missing, f"commands without a fuzz strategy in fuzz_strategies.py: {missing}"
    assert not stale, f"fuzz strategies for commands that no longer exist: {stale}"


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@FUZZ
@given(data=st.data())
def test_fuzz_cli(fuzz_fixtures, command, data):
    if command not in STRATEGIES:
        pytest.fail(f"no fuzz strategy for `physml {' '.join(command)}`")
    batch = data.draw(st.lists(STRATEGIES[command], min_size=BATCH, max_size=BATCH), "cases")
    failures = [o for o in fz.check_many(batch, fuzz_fixtures, TIMEOUT, JOBS) if o.problems]
    assert not failures, "\n" + "\n".join(fz.explain(o) for o in failures)
