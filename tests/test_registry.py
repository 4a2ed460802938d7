"""The engine's registries are the one place names live: the CLI's choices, help and errors
read them, and the engine builds components by the same names."""
import json

import pytest

from physml_cli import _engine, registry
from physml_cli.cli import cli

CONCEPTS = {"lattice", "model", "update_rule", "hamiltonian", "ansatz", "vmc_proposal",
            "vmc_optimizer", "sr_solver", "linear_model", "optimizer", "hopfield_rule"}


def test_every_concept_is_registered_with_descriptions():
    assert CONCEPTS <= set(registry.concepts())
    for concept in CONCEPTS:
        entries = registry.entries(concept)
        assert entries, concept
        assert len({e.name for e in entries}) == len(entries), "each name once"
        assert all(e.summary for e in entries), concept


def option(command, name):
    return next(p for p in command.params if p.name == name)


def test_click_choices_come_from_the_registry():
    sim = cli.commands["simulate"]
    assert tuple(option(sim, "model").type.choices) == registry.names("model")
    assert tuple(option(sim, "lattice").type.choices) == registry.names("lattice")
    assert tuple(option(sim, "algorithm").type.choices) == registry.names("update_rule")
    rule = option(cli.commands["hopfield"].commands["capacity"], "rule")
    assert tuple(rule.type.choices) == registry.names("hopfield_rule")
    for name in registry.names("optimizer"):
        assert name in option(cli.commands["train"].commands["mlp"], "optimizer").help
    vmc = cli.commands["vmc"]
    for name in registry.names("ansatz"):
        assert name in option(vmc, "ansatz").help
    for name in registry.names("hamiltonian"):
        assert name in option(vmc, "hamiltonian").help


@pytest.mark.parametrize("concept,flag,args", [
    ("hamiltonian", "--hamiltonian", ["exact", "--size", "4", "--hamiltonian"]),
    ("lattice", "--lattice", ["exact", "--size", "4", "--lattice"]),
    ("ansatz", "--ansatz", ["vmc", "--size", "4", "--ansatz"]),
    ("vmc_optimizer", "--optimizer", ["vmc", "--size", "4", "--optimizer"]),
])
def test_unknown_names_list_the_registered_ones(physml, workdir, concept, flag, args):
    res = physml(*args, "nonsense")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert f"unknown {flag} 'nonsense'" in res.stderr
    assert ", ".join(registry.names(concept)) in res.stderr


def test_engine_errors_use_the_same_names():
    with pytest.raises(ValueError, match="choose " + ", ".join(registry.names("update_rule"))):
        _engine.Simulation("ising", "square", 4, algorithm="nonsense")
    with pytest.raises(ValueError, match="choose " + ", ".join(registry.names("lattice"))):
        _engine.Lattice("kagome", 4)


def test_parameter_ranges_validate(physml, workdir):
    q = registry.entry("model", "potts").parameter("q")
    assert (q.min, q.max) == (2, 127)
    res = physml("simulate", "--model", "potts", "--q", "200", "-o", "x.h5")
    assert res.returncode == 2 and "--q must be between 2 and 127" in res.stderr
    res = physml("vmc", "--ansatz", "rbm", "--alpha", "-1", "--size", "4")
    assert res.returncode == 2 and "--alpha must be > 0" in res.stderr


def test_capabilities_drive_validation(physml, workdir):
    assert not registry.entry("hamiltonian", "tfim").can("conserves_sz")
    res = physml("vmc", "--hamiltonian", "tfim", "--sampler", "exchange", "--size", "4")
    assert res.returncode == 2 and "keeps the magnetization" in res.stderr
    assert not registry.entry("ansatz", "ffn").can("complex_parameters")
    res = physml("vmc", "--ansatz", "ffn", "--complex", "--size", "4")
    assert res.returncode == 2 and "rbm, rbmsymm and jastrow" in res.stderr


def test_registry_is_plain_data():
    json.dumps(_engine.registry())  # serialisable as metadata
