"""--average K: the final estimate from the mean parameters of the last K iterations (within
the last fifth of the run), the optimiser's own parameters kept for --resume, the window saved
and carried on."""
import h5py
import numpy as np

from physml_cli.workflows import vmc
from test_vmc_symmetric import vmc_json
from conftest import run_physml

SETTINGS = dict(hamiltonian="heisenberg", lattice="chain", size=8, J=1.0, h=1.0, delta=1.0,
                J2=0.0, open_boundaries=False, ansatz="rbm", alpha=1.0,
                complex_parameters=False, architecture=None, init_scale=0.01, marshall=None,
                sampler="auto", chains=8, samples=256, discard=5, sweep_size=0,
                optimizer="sr", lr=None, diag_shift=None, sr_solver="auto", cg_tol=1e-6,
                seed=3)


def test_the_window_is_the_last_iterations_and_the_measurement_uses_its_mean():
    run = vmc.new_run(vmc.resolve(**SETTINGS), threads=1)
    vmc.average_over(run, 4)
    seen = []
    vmc.iterate(run, 20, lambda: False, lambda st: seen.append(np.array(run.driver.parameters)))
    assert [k for k, _ in run.window] == [17, 18, 19, 20]
    mean = np.mean(seen[-4:], axis=0)
    np.testing.assert_allclose(vmc.averaged_parameters(run), mean, rtol=0, atol=1e-15)
    configs = np.array(run.driver.configs)
    m = vmc.measure(run, 512)
    assert m.averaged_over == 4
    # the optimiser's parameters stay where they were
    assert np.array_equal(np.array(run.driver.parameters), seen[-1])
    # the same draws with the mean parameters set by hand give the same numbers
    run.driver.configs = configs
    run.driver.parameters = mean
    vmc.average_over(run, 0)
    by_hand = vmc.measure(run, 512)
    assert by_hand.averaged_over is None
    assert (m.energy, m.energy_err, m.zz) == (by_hand.energy, by_hand.energy_err, by_hand.zz)


def test_a_recovery_takes_the_window_back():
    run = vmc.new_run(vmc.resolve(**SETTINGS), threads=1)
    vmc.average_over(run, 3)
    vmc.iterate(run, 6, lambda: False, lambda st: None)
    before = vmc.Snapshot.of(run.driver)
    vmc.iterate(run, 1, lambda: False, lambda st: None)
    vmc._recover(run, before, "test", True)
    assert [k for k, _ in run.window] == [5, 6]
    assert int(run.driver.iteration) == 6


def test_a_short_run_is_not_averaged_with_its_start():
    run = vmc.new_run(vmc.resolve(**SETTINGS), threads=1)
    vmc.average_over(run, 200)
    seen = []
    vmc.iterate(run, 10, lambda: False, lambda st: seen.append(np.array(run.driver.parameters)))
    assert len(run.window) == 10 and [k for k, _ in vmc.averaged_window(run)] == [9, 10]
    np.testing.assert_allclose(vmc.averaged_parameters(run), np.mean(seen[-2:], axis=0),
                               rtol=0, atol=1e-15)


def test_averaged_run_resumes_exactly(workdir):
    args = ["--hamiltonian", "heisenberg", "--size", "8", "--seed", "2", "--lr", "0.02",
            "--average", "10", "--measure-samples", "1024"]
    straight = vmc_json(*args, "--iterations", "50", "--output", "straight.h5")
    assert straight["averaged_over"] == 10
    vmc_json(*args, "--iterations", "35", "--output", "parts.h5")
    resumed = vmc_json(*args, "--iterations", "15", "--output", "parts.h5", "--resume")
    assert resumed["energy"] == straight["energy"] and resumed["averaged_over"] == 10
    with h5py.File("straight.h5") as a, h5py.File("parts.h5") as b:
        assert a["average/parameters"].shape == (10, a.attrs["n_params"])
        assert list(a["average/iterations"][()]) == list(range(41, 51))
        assert np.array_equal(a["average/parameters"][()], b["average/parameters"][()])
        # the file's parameters are the optimiser's, not the mean
        assert np.array_equal(a["parameters"][()], a["average/parameters"][-1])
    plain = vmc_json(*args[:-4], "--average", "0", "--measure-samples", "1024", "--iterations",
                     "20")
    assert "averaged_over" not in plain
    res = run_physml("vmc", *args[:-4], "--average", "5", "--measure-samples", "1024",
                     "--iterations", "2", "--output", "parts.h5", "--resume")
    assert res.returncode == 2 and "--average 10" in res.stderr


def test_a_damaged_window_is_refused(workdir):
    vmc_json("--size", "6", "--iterations", "4", "--average", "3", "-o", "run.h5")
    with h5py.File("run.h5", "a") as f:
        k = f["average/iterations"][()]
        f["average/iterations"][...] = k[::-1]
    res = run_physml("vmc", "--size", "6", "--iterations", "2", "--average", "3", "-o",
                     "run.h5", "--resume")
    assert res.returncode == 2 and "Traceback" not in res.stderr
