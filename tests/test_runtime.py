"""The command runtime: shared option groups, one output policy (--plot included), one emit
(JSON on stdout, text on stderr), and a CLI layer without numerics."""
import ast
import json
import pathlib

import click
import pytest

import physml_cli
from physml_cli.cli import cli
from test_cli_errors import assert_clean_failure

SMALL = ["--size", "4", "--temperatures", "2.5", "--sweeps", "100", "--thermalize", "10", "-q"]


def commands(group=cli, prefix=""):
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from commands(cmd, prefix + name + " ")
        else:
            yield prefix + name, cmd


def test_shared_options_are_declared_once():
    """Every command spells --threads, --seed, --json, --output/--overwrite and --plot alike."""
    seen = {}
    for name, cmd in commands():
        for p in cmd.params:
            if p.name in ("threads", "seed", "as_json", "overwrite", "plot", "quiet"):
                key = (p.name, tuple(p.opts), p.is_flag if isinstance(p, click.Option) else None)
                seen.setdefault(p.name, set()).add(key)
        plot = any(p.name == "plot" for p in cmd.params)
        writes = any(p.name == "output" for p in cmd.params)
        if plot or writes:
            assert any(p.name == "overwrite" for p in cmd.params), f"{name}: --overwrite missing"
    for name, forms in seen.items():
        assert len(forms) == 1, (name, forms)


def test_plot_obeys_overwrite(physml, workdir):
    assert physml("simulate", *SMALL, "-o", "a.h5", "--plot", "p.png").returncode == 0
    before = (workdir / "p.png").read_bytes()
    assert_clean_failure(physml("simulate", *SMALL, "-o", "b.h5", "--plot", "p.png"), workdir,
                         "p.png exists", keep=["a.h5", "p.png"])
    assert (workdir / "p.png").read_bytes() == before
    assert physml("simulate", *SMALL, "-o", "b.h5", "--plot", "p.png", "--overwrite").returncode == 0


def test_stdout_is_for_json_only(physml, workdir):
    """Human text goes to stderr, so `physml ... --json | jq` never sees it."""
    res = physml("simulate", *SMALL, "-o", "a.h5")
    assert res.returncode == 0 and res.stdout == ""
    res = physml("exact", "--size", "6")
    assert res.returncode == 0 and res.stdout == "" and "E0" in res.stderr
    res = physml("exact", "--size", "6", "--json")
    assert json.loads(res.stdout)["n_sites"] == 6


def layer_imports(folder):
    root = pathlib.Path(physml_cli.__file__).parent / folder
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                yield path.name, [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                yield path.name, [node.module or ""] + [a.name for a in node.names]


@pytest.mark.parametrize("folder", ["cli", "runtime"])
def test_cli_layer_has_no_numerics(folder):
    for name, modules in layer_imports(folder):
        assert not any(m.split(".")[0] == "numpy" or m.endswith("_engine") or m == "_engine"
                       for m in modules), (name, modules)


def test_workflows_do_not_reach_up_into_the_cli():
    for folder in ("workflows", "analysis", "io"):
        for name, modules in layer_imports(folder):
            assert not any(m.startswith("physml_cli.cli") or m.startswith("physml_cli.commands")
                           for m in modules), (folder, name, modules)


def test_every_number_option_declares_its_range():
    """No option takes a bare int or float: each has a ranged type (runtime/params.py), so
    nothing out of range reaches the engine."""
    from physml_cli.runtime import params

    for name, cmd in commands():
        for p in cmd.params:
            if isinstance(p.type, (click.types.IntParamType, click.types.FloatParamType)):
                raise AssertionError(f"{name} {p.opts}: a bare {p.type.name}")
            if p.name == "seed":
                assert isinstance(p.type, params.Seed), name


@pytest.mark.parametrize("value,expected", [("0", 0), ("-1", 2**64 - 1), (str(2**64 + 5), 5),
                                            (str(10**20), 10**20 % 2**64)])
def test_any_integer_is_a_seed(value, expected):
    from physml_cli.runtime import params

    assert params.Seed().convert(value, None, None) == expected


def test_a_negative_seed_is_its_residue(physml, workdir):
    runs = [json.loads(physml("simulate", *SMALL, "-o", f"{i}.h5", "--json", "--seed", s).stdout)
            for i, s in enumerate(("-1", str(2**64 - 1), "7"))]
    e = [r["results"][0]["e"] for r in runs]
    assert e[0] == e[1] and e[0] != e[2]


@pytest.mark.parametrize("args,fragment", [
    (["--threads", str(2**31)], "--threads must be <="),
    (["--threads", "0"], "--threads must be >= 1"),
    (["--sweeps", str(10**20)], "--sweeps must be <="),
    (["--temperatures", "2:3:99999999999999999999"], "n must be <="),
    (["--checkpoint-every", "nan"], "finite"),
    (["--q", "-100000"], "--q is for the potts model"),
    (["-o", ""], "empty file name"),
    (["-o", "x" * 300 + ".h5"], "file name longer"),
    (["-o", "."], "is a folder"),
])
def test_out_of_range_values_are_refused_while_parsing(physml, workdir, args, fragment):
    assert_clean_failure(physml("simulate", *SMALL, *args), workdir, fragment)


def test_one_resume_policy_for_both_places_of_the_state(workdir):
    from physml_cli.errors import PhysmlError
    from physml_cli.runtime import resume

    assert resume.plan("a.h5", False, False, resume.BESIDE) == resume.FRESH
    assert resume.plan("a.h5", False, False, resume.INSIDE) == resume.FRESH
    for where in (resume.BESIDE, resume.INSIDE):
        with pytest.raises(PhysmlError, match="exclude each other"):
            resume.plan("a.h5", True, True, where)
    (workdir / "a.h5").write_bytes(b"")
    assert resume.plan("a.h5", True, False, resume.BESIDE) == resume.DONE  # finished: report it
    assert resume.plan("a.h5", True, False, resume.INSIDE) == resume.CONTINUE  # more iterations
    (workdir / "a.h5.ckpt").write_bytes(b"")
    assert resume.plan("a.h5", True, False, resume.BESIDE) == resume.CONTINUE
    (workdir / "a.h5").unlink()
    with pytest.raises(PhysmlError, match="interrupted run left"):
        resume.plan("a.h5", False, False, resume.BESIDE)
    assert resume.plan("a.h5", False, True, resume.BESIDE) == resume.FRESH


def test_a_required_option_is_required(physml, workdir):
    assert physml("simulate", *SMALL, "-o", "a.h5").returncode == 0
    assert_clean_failure(physml("merge", "a.h5"), workdir, "--output", keep=["a.h5"])


def test_derived_seeds_stay_64_bit_words():
    from physml_cli.analysis.transition import Context

    assert Context(data=[], seed=2**64 - 1).stream(101) == 100
    assert Context(data=[], seed=5).stream(101) == 106


def run_function(cmd):
    import importlib
    module, function = cmd.physml_run.split(":")
    return importlib.import_module(module), getattr(importlib.import_module(module), function)


@pytest.mark.parametrize("name", [n for n, c in commands() if hasattr(c, "physml_run")])
def test_every_command_returns_a_typed_result(name):
    """settings -> run -> result: the body's declared return type is a Result (None only
    where an MPI rank leaves the report to rank 0)."""
    import inspect
    from physml_cli.runtime.result import Result

    cmd = dict(commands())[name]
    module, f = run_function(cmd)
    annotation = inspect.signature(f).return_annotation
    typ = eval(annotation, vars(module)) if isinstance(annotation, str) else annotation
    kinds = [t for t in getattr(typ, "__args__", (typ,)) if t is not type(None)]
    assert len(kinds) == 1 and isinstance(kinds[0], type) and issubclass(kinds[0], Result), \
        (name, annotation)


def test_every_command_is_built_by_the_runtime():
    assert all(hasattr(c, "physml_run") for _, c in commands()), \
        [n for n, c in commands() if not hasattr(c, "physml_run")]


def test_a_result_document_leaves_out_hidden_and_absent_optional_keys():
    import numpy as np
    from physml_cli.runtime.result import Result, hidden, optional, result

    @result
    class Example(Result):
        energy: float
        levels: object
        gap: float | None = optional()
        note: str = hidden("only for the text")

    doc = Example(energy=np.float64(-1.5), levels=np.array([1.0, np.nan])).document()
    assert doc == {"energy": -1.5, "levels": [1.0, None]}
    assert type(doc["energy"]) is float
    assert Example(energy=1.0, levels=[], gap=0.25).document()["gap"] == 0.25
    json.dumps(doc, allow_nan=False)  # JSON has no NaN: the document never holds one


def test_emit_routes_json_text_and_notices(capsys):
    from physml_cli.runtime.emit import emit
    from physml_cli.runtime.result import Result, result

    @result
    class Example(Result):
        value: int

        def text(self):
            return [f"value {self.value}"]

        def notices(self):
            return ["warning: a notice"]

    emit(Example(3), as_json=True)
    out, err = capsys.readouterr()
    assert json.loads(out) == {"value": 3} and "a notice" in err and "value 3" not in err
    emit(Example(3), as_json=False)
    out, err = capsys.readouterr()
    assert out == "" and "value 3" in err and "a notice" in err


def test_a_body_that_returns_no_result_is_a_programming_error():
    from physml_cli.runtime import settings as opt

    group = click.Group("g")

    @opt.command(group, "bad", run="builtins:repr")
    @opt.dataclass
    class Bad(opt.Reported):
        """Returns a str, not a Result."""

    with pytest.raises(TypeError, match="not a Result"):
        group.main(["bad"], standalone_mode=False)


def test_info_lists_on_stdout_and_warnings_stay_on_stderr(physml, workdir):
    assert physml("simulate", "--size", "4", "--temperatures", "2.5", "--sweeps", "20",
                  "--thermalize", "0", "-q", "-o", "a.h5").returncode == 0
    res = physml("info", "a.h5")
    assert res.returncode == 0 and "datasets" in res.stdout
    res = physml("simulate", "--size", "32", "--temperatures", "2.3", "--sweeps", "200",
                 "--measure-every", "1", "-q", "-o", "w.h5", "--json")
    assert json.loads(res.stdout)["size"] == 32
    assert "underestimated" in res.stderr  # a too short run warns under --json as well
