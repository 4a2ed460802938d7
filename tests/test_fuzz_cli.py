"""Fuzz every physml command against the error contract (README): bad input gives one line
`physml: error: ...` and exit code 2, never a traceback or a signal; no file is left behind by a
failed run, and no existing file is replaced without --overwrite. (`vmc --strict` may also exit
with 3: a finished run, output written, whose warnings were asked to fail.)

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
    # the first example is hypothesis' simplest (each command's fast baseline), then mutants
    max_examples=LONG or 2,
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
    batch = data.draw(st.lists(STRATEGIES[command], min_size=BATCH, max_size=BATCH,
                               unique_by=fz.dumps), "cases")
    failures = [o for o in fz.check_many(batch, fuzz_fixtures, TIMEOUT, JOBS) if o.problems]
    if failures:  # the reproducers, not pytest's rendering of the Outcome objects
        raise AssertionError("\n" + "\n".join(fz.explain(o) for o in failures))


# One shrunk reproducer per failure class the long run found (/work/fuzz_report.md): they keep
# every class in CI, where a couple of random examples per command would miss most of them.
_SMALL = ("--size", "4", "--temperatures", "2.0,2.5", "--thermalize", "10", "--sweeps", "20",
          "--measure-every", "2", "--save-configs", "4", "-q")
_VMC = ("--size", "4", "--iterations", "2", "--samples", "32", "--chains", "4", "--discard", "2",
        "--measure-samples", "32", "-q")
_CAPACITY = ("--neurons", "16", "--trials", "2", "--probes", "2")
_F = fz.FileSpec
REPRODUCERS = [
    # integers beyond what the engine's arguments hold reach pybind11 (TypeError/OverflowError)
    fz.Case(("simulate",), _SMALL + ("--seed", "-1")),
    fz.Case(("exact",), ("--size", "4", "--seed", "18446744073709551616")),
    fz.Case(("train", "rbm"), ("d.h5", "--hidden", "4", "--epochs", "1", "--ais-runs", "2",
                               "--ais-betas", "10", "--seed", "-1"), (_F("d.h5", "sim_T.h5"),)),
    fz.Case(("train", "mlp"), ("d.h5", "--hidden", "4", "--epochs", "1", "--threads",
                               "4294967296"), (_F("d.h5", "sim_L4.h5"),)),
    fz.Case(("sample",), ("m.h5", "--samples", "8", "--gibbs-steps", "2", "--seed", "-1"),
            (_F("m.h5", "rbm.h5"),)),
    fz.Case(("hopfield", "capacity"), ("--neurons", "100000000000000000000", "--loads", "0.1",
                                       "--trials", "2", "--probes", "2")),
    fz.Case(("vmc",), _VMC + ("--samples", "100000000000000000000",
                              "--chains", "100000000000000000000")),
    # numpy refuses the seed: ValueError traceback
    fz.Case(("hopfield", "recall"), ("n.h5", "--max-sweeps", "5", "--seed", "-1"),
            (_F("n.h5", "hopfield.h5"),)),
    # a thread count the OS cannot give: libgomp aborts with exit code 1
    fz.Case(("sample",), ("m.h5", "--samples", "8", "--gibbs-steps", "2", "--threads",
                          "2147483647"), (_F("m.h5", "rbm.h5"),)),
    # grids a:b:n are built before n is checked: hangs
    fz.Case(("hopfield", "capacity"), _CAPACITY + ("--loads", "2:3:99999999999999999999")),
    fz.Case(("train", "linear"), ("d.h5", "--alpha", "2:3:99999999999999999999"),
            (_F("d.h5", "sim_L4.h5"),)),
    # a loop count beyond int64 is accepted and looped over
    fz.Case(("vmc",), _VMC + ("--iterations", "9223372036854775808")),
    # outputs: empty name, a name too long, a folder, a plot that cannot be written
    fz.Case(("merge",), ("a.h5", "b.h5", "--output", ""),
            (_F("a.h5", "shard0.h5"), _F("b.h5", "shard1.h5"))),
    fz.Case(("simulate",), _SMALL + ("--output", "x" * 300 + ".h5")),
    fz.Case(("train", "hopfield"), ("p.npz", "--output", "adir", "--overwrite"),
            (_F("p.npz", "patterns.npz"), _F("adir", None, ("directory",))), ("adir",)),
    fz.Case(("simulate",), _SMALL + ("--plot", "out.png/")),
    # damaged .npz: EOFError shown as 'interrupted' (130), BadZipFile, an empty X
    fz.Case(("train", "hopfield"), ("p.npz",), (_F("p.npz", "patterns.npz", ("empty",)),)),
    fz.Case(("train", "linear"), ("d.npz",), (_F("d.npz", "xy.npz", ("truncate", 0.3)),)),
    fz.Case(("train", "linear"), ("d.npz",), (_F("d.npz", "xy.npz", ("npz_empty_x",)),)),
    # damaged HDF5: attributes and datasets read without checks
    fz.Case(("sample",), ("m.h5", "--samples", "8", "--gibbs-steps", "2"),
            (_F("m.h5", "rbm.h5", ("drop_attr", 1)),)),
    fz.Case(("info",), ("f.h5",), (_F("f.h5", "linear.h5", ("attr_value", 8, 9)),)),
    # an array where a string attribute belongs, shown by info --json
    fz.Case(("info",), ("f.h5", "--json"), (_F("f.h5", "linear.h5", ("attr_value", 8, 9)),)),
    fz.Case(("hopfield", "recall"), ("n.h5", "--max-sweeps", "1"),
            (_F("n.h5", "hopfield.h5", ("string_dataset", 1)),)),
    fz.Case(("train", "hopfield"), ("d.h5",), (_F("d.h5", "potts.h5", ("attr_value", 5, 8)),)),
    # estimates that are NaN at every temperature (a damaged summary) reach the peak finder
    fz.Case(("detect-transition",), ("a.h5", "b.h5", "--method", "peaks", "--bootstrap", "2",
                                     "--epochs", "1", "--json"),
            (_F("a.h5", "sim_L4.h5", ("nan_dataset", 11)),
             _F("b.h5", "sim_L6.h5", ("nan_dataset", 11)))),
    # an array where a shard's settings hold a word, compared between shards by merge
    fz.Case(("merge",), ("s0.h5", "s1.h5", "--output", "merged.h5"),
            (_F("s0.h5", "shard0.h5", ("attr_value", 7, 8)),
             _F("s1.h5", "shard1.h5", ("attr_value", 7, 8)))),
    # an infinite penalty passes the >= 0 check and reaches the engine
    fz.Case(("train", "mlp"), ("d.h5", "--hidden", "4", "--epochs", "1", "--l1", "inf"),
            (_F("d.h5", "sim_L4.h5"),)),
    # Born machines: a model whose tensors do not fit its bond dimensions, data that are not
    # binary, a dataset name that is not registered
    fz.Case(("sample",), ("m.h5", "--samples", "8"), (_F("m.h5", "mps.h5", ("reshaped_dataset", 1)),)),
    fz.Case(("train", "mps"), ("d.npz", "--bond-dim", "2", "--sweeps", "1"),
            (_F("d.npz", "xy.npz"),)),
    fz.Case(("train", "mps"), ("d.h5", "--bond-dim", "0"), (_F("d.h5", "bas.h5"),)),
    fz.Case(("dataset",), ("bogus", "--size", "3")),
    fz.Case(("dataset",), ("bas", "--size", "99999999999999999999")),
]


def test_known_reproducers(fuzz_fixtures):
    # side by side, and 10 s each: a correct CLI answers every one at once
    outcomes = fz.check_many(REPRODUCERS, fuzz_fixtures, min(TIMEOUT, 10), JOBS)
    failures = [o for o in outcomes if o.problems]
    if failures:
        raise AssertionError(f"\n{len(failures)} of {len(outcomes)} reproducers fail:\n"
                             + "\n".join(fz.explain(o) for o in failures))


def test_strict_exit_is_judged_a_finished_run(fuzz_fixtures):
    # chains of two samples have no R-hat: a warning, so --strict exits 3 with its output
    # written; that is a run that finished, not a failure that left a file behind
    args = ("--size", "6", "--iterations", "3", "--samples", "16", "--chains", "8",
            "--measure-samples", "16", "-q", "--output", "r.h5")
    strict = fz.check(fz.Case(("vmc",), args + ("--strict",), (), ("r.h5",)), fuzz_fixtures,
                      TIMEOUT)
    assert strict.returncode == 3 and not strict.problems, fz.explain(strict)
    plain = fz.check(fz.Case(("vmc",), args, (), ("r.h5",)), fuzz_fixtures, TIMEOUT)
    assert plain.returncode == 0 and not plain.problems, fz.explain(plain)
