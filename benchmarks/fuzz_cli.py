"""Long fuzz runs of the physml command line: thousands of invocations from the generators the
test suite uses (tests/fuzz_strategies.py), judged by the same error contract.

    python benchmarks/fuzz_cli.py --n 2000 --seed 0 --jobs 4 --report fuzz_failures.txt
    python benchmarks/fuzz_cli.py --replay fuzz_failures.jsonl    # rerun the failures only

Prints the count per outcome class; writes each failing invocation (command line, files it found,
first and last stderr lines) to --report, and the cases themselves as JSON lines next to it.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

import fuzz_strategies as fz  # noqa: E402


def generate(n: int, base_seed: int, commands: list[tuple[str, ...]]) -> list[fz.Case]:
    """About n distinct cases, shared evenly among the commands, in a seeded mixed order."""
    strategies = fz.strategies()
    missing = [c for c in commands if c not in strategies]
    if missing:
        sys.exit(f"fuzz_cli: no strategy for {missing} (add one to tests/fuzz_strategies.py)")
    per = -(-n // len(commands))
    found: list[fz.Case] = []
    for k, command in enumerate(commands):
        drawn: dict[str, fz.Case] = {}

        # hypothesis draws the cases; the body only collects them (nothing to shrink)
        @seed(base_seed * 1000 + k)
        @settings(max_examples=per * 3, database=None, deadline=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(strategies[command])
        def collect(case: fz.Case) -> None:
            if len(drawn) < per:
                drawn.setdefault(fz.dumps(case), case)

        collect()
        found += list(drawn.values())
    random.Random(base_seed).shuffle(found)
    return found[:n] if len(found) >= n else found


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=2000, help="invocations [2000]")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="parallel invocations [cores]")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds before a run is a hang")
    p.add_argument("--commands", default=None,
                   help="comma list of commands, e.g. 'vmc,train linear' [all]")
    p.add_argument("--report", default="fuzz_failures.txt")
    p.add_argument("--replay", default=None, help="JSON lines of cases (a report's .jsonl)")
    p.add_argument("--fixtures", default=None, help="folder of fixtures to reuse or make")
    a = p.parse_args()

    all_commands = fz.cli_commands()
    commands = all_commands if a.commands is None else \
        [tuple(c.split()) for c in a.commands.split(",")]
    t0 = time.perf_counter()
    if a.replay:
        cases = [fz.case_from_json(json.loads(line)) for line in open(a.replay) if line.strip()]
    else:
        cases = generate(a.n, a.seed, commands)
    print(f"{len(cases)} cases over {len(commands)} commands "
          f"(generated in {time.perf_counter() - t0:.0f} s)", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="physml-fuzz-fixtures-") as tmp:
        fixtures = fz.build_fixtures(a.fixtures or tmp)
        t0 = time.perf_counter()

        def progress(i: int, o: fz.Outcome) -> None:
            if (i + 1) % 100 == 0 or i + 1 == len(cases):
                print(f"  {i + 1}/{len(cases)} ({time.perf_counter() - t0:.0f} s)",
                      file=sys.stderr)
        outcomes = fz.check_many(cases, fixtures, a.timeout, a.jobs, progress)
    wall = time.perf_counter() - t0

    kinds = collections.Counter(o.kind for o in outcomes)
    problems = collections.Counter(p for o in outcomes for p in o.problems)
    per_command = collections.defaultdict(collections.Counter)
    for o in outcomes:
        per_command[" ".join(o.case.command)][o.kind] += 1

    print(f"\n{len(outcomes)} invocations in {wall:.0f} s ({a.jobs} jobs)")
    print(f"{'class':<18} {'runs':>6} {'with this problem':>18}")
    for k in fz.OUTCOMES:
        print(f"{k:<18} {kinds.get(k, 0):>6} {problems.get(k, '') if k in fz.PROBLEMS else '':>18}")
    print("\nper command (runs by class):")
    for command in sorted(per_command):
        c = per_command[command]
        print(f"  {command:<18} " + ", ".join(f"{k} {c[k]}" for k in fz.OUTCOMES if c[k]))

    failing = [o for o in outcomes if o.problems]
    report = Path(a.report)
    with open(report, "w") as f:
        f.write(f"# {len(failing)} failing of {len(outcomes)} invocations "
                f"(seed {a.seed}, timeout {a.timeout:g} s)\n\n")
        for o in sorted(failing, key=lambda o: (o.kind, o.case.command, o.case.args)):
            f.write(fz.explain(o) + "\n\n")
    with open(report.with_suffix(".jsonl"), "w") as f:
        for o in failing:
            first, last = o.stderr_summary()
            f.write(json.dumps({**o.case.to_json(), "outcome": {
                "kind": o.kind, "problems": o.problems, "details": o.details,
                "returncode": o.returncode, "stderr_first": first, "stderr_last": last,
                "edits": o.edits, "exception": o.exception}}) + "\n")
    print(f"\n{len(failing)} failing invocations -> {report} (cases: "
          f"{report.with_suffix('.jsonl')})")
    sys.exit(1 if failing else 0)


if __name__ == "__main__":
    main()
