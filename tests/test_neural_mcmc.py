"""Neural Markov chain Monte Carlo (simulate --algorithm neural): independence
Metropolis-Hastings with an autoregressive network as the proposal is exact whatever the
network, so even an untrained one must give Boltzmann frequencies; a trained one must
also be accepted often."""
import h5py
import numpy as np
import pytest

from physml_cli import _engine
from conftest import within
from test_stationarity import assert_boltzmann, boltzmann, state_index


def proposal(n, z2, seed=3, beta=1 / 1.5):
    return _engine.MadeProposal([beta], [_engine.Made(n, 2, 3, "tanh", seed)], z2=z2)


def chain(prop, companion="", n=60000, T=1.5, h=0.3, seed=2024, threads=1):
    sim = _engine.Simulation(model="ising", lattice="chain", L=5, J=1.0, h=h, algorithm="neural",
                             temperatures=[T], seed=seed, fast_kernel=False, proposal=prop,
                             companion=companion, threads=threads)
    sim.thermalize(100)
    return sim, sim.measure(n, 1, 1)


@pytest.mark.parametrize("z2,companion", [(False, ""), (True, ""), (True, "metropolis"),
                                          (False, "heatbath")])
def test_visits_follow_boltzmann_with_an_untrained_network(z2, companion):
    sim, out = chain(proposal(5, z2), companion)
    states, p = boltzmann("ising", "chain", 5, 1.0, 0.3, 2, 1.5)
    assert_boltzmann(state_index(out["configs"][0], states, "ising", 2), p)
    acc = sim.proposal_acceptance[0]
    assert 0.05 < acc < 1.0


def test_detailed_balance_of_the_proposals():
    """Forward and backward transition counts between configurations agree (the independence
    update is reversible; the hybrid's composition is not, so only the pure rule)."""
    _, out = chain(proposal(5, True), n=120000)
    states, p = boltzmann("ising", "chain", 5, 1.0, 0.3, 2, 1.5)
    idx = state_index(out["configs"][0], states, "ising", 2)
    k = len(p)
    counts = np.zeros((k, k))
    np.add.at(counts, (idx[:-1], idx[1:]), 1)
    # pairs visited often enough for counting noise to be small
    for a, b in zip(*np.nonzero(np.triu(counts + counts.T, 1) > 400)):
        n_ab, n_ba = counts[a, b], counts[b, a]
        assert abs(n_ab - n_ba) <= 4 * np.sqrt(n_ab + n_ba), (a, b, n_ab, n_ba)


def test_draws_do_not_depend_on_the_batch():
    prop = proposal(9, True)
    whole = prop.draw(0.7, 11, 5, 40)
    parts = np.vstack([prop.draw(0.7, 11, 5, 13), prop.draw(0.7, 11, 18, 27)])
    assert np.array_equal(whole, parts)
    assert set(np.unique(whole)) <= {-1, 1}


def test_log_q_is_normalised_and_symmetric():
    import itertools

    allc = np.array(list(itertools.product([-1, 1], repeat=6)), dtype=np.int8)
    for z2 in (False, True):
        lq = np.asarray(proposal(6, z2).log_q(1.0, allc))
        assert abs(np.exp(lq).sum() - 1) < 1e-12
        if z2:
            assert np.allclose(lq, np.asarray(proposal(6, z2).log_q(1.0, -allc)), atol=1e-14)


def test_the_nearest_network_proposes():
    nets = [_engine.Made(4, 1, 1, "tanh", s) for s in (1, 2, 3)]
    prop = _engine.MadeProposal([0.2, 0.5, 1.0], nets, False)
    assert [prop.nearest(b) for b in (0.1, 0.34, 0.36, 0.8, 5.0)] == [0, 0, 1, 2, 2]


def test_threads_chunks_and_checkpoints_do_not_change_the_chain():
    prop = proposal(5, True)
    _, one = chain(prop, "metropolis", n=300, threads=1)
    _, two = chain(prop, "metropolis", n=300, threads=2)
    assert np.array_equal(one["configs"], two["configs"])
    a = _engine.Simulation(model="ising", lattice="chain", L=5, algorithm="neural",
                           temperatures=[1.5, 2.5], seed=9, fast_kernel=False, proposal=prop)
    a.thermalize(10)
    whole = a.measure(200, 2, 1)
    b = _engine.Simulation(model="ising", lattice="chain", L=5, algorithm="neural",
                           temperatures=[1.5, 2.5], seed=9, fast_kernel=False, proposal=prop)
    b.thermalize(10)
    first = b.measure(70, 2, 1)
    c = _engine.Simulation(model="ising", lattice="chain", L=5, algorithm="neural",
                           temperatures=[1.5, 2.5], seed=9, fast_kernel=False, proposal=prop)
    c.set_state({k: np.array(v, copy=True) for k, v in b.get_state().items()})
    rest = c.measure(130, 2, 1)
    assert np.array_equal(whole["configs"], np.concatenate([first["configs"], rest["configs"]], 1))
    assert c.proposal_acceptance == a.proposal_acceptance


def test_the_engine_refuses_a_proposal_that_does_not_fit():
    with pytest.raises(ValueError, match="sites"):
        _engine.Simulation(model="ising", lattice="chain", L=6, algorithm="neural",
                           temperatures=[1.0], proposal=proposal(5, False))
    with pytest.raises(ValueError, match="states"):
        _engine.Simulation(model="potts", lattice="chain", L=5, q=3, algorithm="neural",
                           temperatures=[1.0], proposal=proposal(5, False))
    with pytest.raises(ValueError, match="proposal"):
        _engine.Simulation(model="ising", lattice="chain", L=5, algorithm="neural",
                           temperatures=[1.0])
    with pytest.raises(ValueError, match="hybrid"):
        _engine.Simulation(model="ising", lattice="chain", L=5, algorithm="metropolis",
                           temperatures=[1.0], companion="heatbath")


@pytest.fixture(scope="module")
def van_4x4(tmp_path_factory):
    from conftest import run_physml

    d = tmp_path_factory.mktemp("van")
    r = run_physml("variational", "--size", "4", "--temperatures", "2.6,2.2", "--steps", "400",
                   "--measure-samples", "2000", "--seed", "1", "-q", "-o", str(d / "van.h5"))
    assert r.returncode == 0, r.stderr
    return d / "van.h5"


def test_simulate_neural_end_to_end_against_enumeration(van_4x4, tmp_path):
    import json

    from conftest import run_physml

    out = tmp_path / "s.h5"
    r = run_physml("simulate", "--size", "4", "--temperatures", "2.2,3.0", "--algorithm", "neural",
                   "--proposal", str(van_4x4), "--thermalize", "200", "--sweeps", "20000",
                   "--measure-every", "1", "--seed", "3", "-o", str(out), "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    exact = _engine.exact_enumeration("ising", "square", 4, 1.0, 0.0, 2, [2.2, 3.0])
    for i, row in enumerate(doc["results"]):
        within(row["e"], exact["e"][i], row["e_err"])
        within(row["c"], exact["c"][i], row["c_err"])
    rows = doc["results"]
    assert [x["proposal_trained_at"] for x in rows] == [2.2, 2.6]
    # trained at 2.2: most proposals pass; at 3.0 the network of 2.6 still proposes, exactly
    assert rows[0]["proposal_acceptance"] > 0.5
    assert 0 < rows[1]["proposal_acceptance"] < rows[0]["proposal_acceptance"] + 0.2
    with h5py.File(out) as f:
        assert f.attrs["algorithm"] == "neural"
        assert f["extras/proposal_acceptance"].shape == (2,)
    info = run_physml("info", str(out))
    assert info.returncode == 0, info.stderr


def test_simulate_neural_resume_equals_a_straight_run(van_4x4, tmp_path, monkeypatch):
    from conftest import InterruptAfter
    from physml_cli.io import schema
    from physml_cli.workflows import simulate

    params = dict(model="ising", lattice="square", L=4, J=1.0, h=0.0, q=2, algorithm="neural",
                  temperatures=[2.3], thermalize=50, sweeps=400, measure_every=2,
                  save_configs=10, parallel_tempering=False, anneal=False, init="random",
                  seed=5, proposal=str(van_4x4), hybrid="metropolis")
    straight = simulate.run_size(dict(params), 1, str(tmp_path / "a.h5"), False, "", 0,
                                 lambda *a: None)
    monkeypatch.setattr(simulate, "SignalCatcher", InterruptAfter(3))
    monkeypatch.setattr(simulate, "CHUNK_SECONDS", 1e-6)
    from physml_cli.errors import Interrupted

    with pytest.raises(Interrupted):
        simulate.run_size(dict(params), 1, str(tmp_path / "b.h5"), False, "", 0, lambda *a: None)
    monkeypatch.undo()
    resumed = simulate.run_size(dict(params), 2, str(tmp_path / "b.h5"), True, "", 0,
                                lambda *a: None)
    assert np.array_equal(straight.energy, resumed.energy)
    assert np.array_equal(straight.configs, resumed.configs)
    assert np.array_equal(straight.extras["proposal_acceptance"],
                          resumed.extras["proposal_acceptance"])
    assert schema  # the checkpoint went through the schema's reader on resume


@pytest.mark.parametrize("args,message", [
    (["--algorithm", "neural"], "needs --proposal"),
    (["--proposal", "VAN"], "--proposal is for --algorithm neural"),
    (["--algorithm", "neural", "--proposal", "VAN", "--hybrid", "neural"], "itself"),
    (["--algorithm", "metropolis", "--hybrid", "heatbath"], "--hybrid is for"),
    (["--algorithm", "neural", "--proposal", "VAN", "--size", "5"], "size 4"),
    (["--algorithm", "neural", "--proposal", "VAN", "--lattice", "triangular"], "lattice"),
    (["--algorithm", "neural", "--proposal", "VAN", "--J", "0.5"], "J 1"),
    (["--algorithm", "neural", "--proposal", "VAN", "--model", "potts"], "potts"),
    (["--algorithm", "neural", "--proposal", "missing.h5"], "missing.h5"),
    (["--algorithm", "neural", "--proposal", "DAMAGED"], "DAMAGED"),
])
def test_simulate_neural_refuses_bad_input(van_4x4, tmp_path, args, message):
    from conftest import run_physml

    damaged = tmp_path / "damaged.h5"
    damaged.write_bytes(van_4x4.read_bytes()[:3000])
    args = [str(van_4x4) if a == "VAN" else str(damaged) if a == "DAMAGED" else a for a in args]
    message = str(damaged) if message == "DAMAGED" else message
    base = ["simulate", "--size", "4", "--temperatures", "2.2", "--sweeps", "100", "-q",
            "-o", str(tmp_path / "x.h5")]
    r = run_physml(*base, *args)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not (tmp_path / "x.h5").exists()


def test_a_mean_field_file_is_not_a_proposal(tmp_path):
    from conftest import run_physml

    mf = tmp_path / "mf.h5"
    assert run_physml("variational", "--method", "mean-field", "--size", "4", "--temperatures",
                      "2.2", "-q", "-o", str(mf)).returncode == 0
    r = run_physml("simulate", "--size", "4", "--temperatures", "2.2", "--algorithm", "neural",
                   "--proposal", str(mf), "-q", "-o", str(tmp_path / "x.h5"))
    assert r.returncode == 2 and "--method van" in r.stderr, r.stderr


def test_variational_keeps_every_temperatures_network(van_4x4):
    from physml_cli.io import schema

    saved = schema.read_variational(str(van_4x4))
    nets = saved["arrays"]["networks"]
    assert nets.shape == (2, saved["arrays"]["parameters"].shape[0])
    # the last temperature's network is the one the run ended with
    assert np.array_equal(nets[-1], saved["arrays"]["parameters"])
    assert not np.array_equal(nets[0], nets[1])
