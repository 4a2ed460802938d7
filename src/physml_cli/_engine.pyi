"""Type stub of the compiled engine (cpp/bindings/)."""
from typing import Any, Callable, Sequence

import numpy as np
import numpy.typing as npt

__version__: str

def has_openmp() -> bool: ...
def cpu_has_avx2() -> bool: ...
def build_isa() -> str:
    """'avx2' or 'generic': the build of the engine in use."""
def max_threads() -> int: ...
def thread_limit() -> int:
    """Most threads the engine runs with: min(OMP_THREAD_LIMIT, max(64, 4 x cores)); a larger
    request is clamped to it (results do not depend on the thread count)."""
def engine_threads(requested: int) -> int:
    """The thread count the engine runs with for `requested` (ValueError below 1)."""
def kernel_isa() -> str:
    """'avx2' or 'portable': the square-lattice kernel this CPU runs."""
def force_portable_kernel(on: bool) -> None: ...

def registry() -> dict[str, list[dict[str, Any]]]:
    """{concept: [{name, summary, parameters, capabilities, facts}, ...]}, registration order."""

class Lattice:
    def __init__(self, kind: str, L: int, open: bool = False) -> None: ...
    @property
    def kind(self) -> str: ...
    @property
    def L(self) -> int: ...
    @property
    def n_sites(self) -> int: ...
    @property
    def dimension(self) -> int: ...
    @property
    def basis(self) -> int: ...
    @property
    def periodic(self) -> bool: ...
    @property
    def coordination(self) -> int: ...
    @property
    def shape(self) -> tuple[int, ...]: ...
    @property
    def n_colors(self) -> int: ...
    @property
    def neighbors(self) -> npt.NDArray[np.int32]:
        """(n_sites, coordination) neighbour table, -1 past a site's neighbours (open)."""
    @property
    def colors(self) -> npt.NDArray[np.int32]: ...
    @property
    def bonds(self) -> npt.NDArray[np.int32]:
        """(n_bonds, 2), each nearest-neighbour bond once."""
    @property
    def next_nearest_bonds(self) -> npt.NDArray[np.int32]:
        """(n_bonds, 2), each next-nearest bond once (empty where none are defined)."""
    def coordinates(self) -> npt.NDArray[np.int32]:
        """(n_sites, dimension + 1): cell coordinates and basis index."""
    def translations(self) -> npt.NDArray[np.int32]:
        """(n_translations, n_sites): site i goes to row[i]."""
    def point_group(self) -> npt.NDArray[np.int32]:
        """(n_operations, n_sites): point-group maps about the origin, identity first."""
    def symmetry_group(self, name: str) -> npt.NDArray[np.int32]:
        """(|G|, n_sites): the registered group ('translations', or 'lattice': translations
        times the point group), identity first."""

class GlobalProposal:
    """A distribution over whole configurations that proposes for --algorithm neural; made
    by its subclasses (MadeProposal) only."""
    def __init__(self) -> None: ...
    @property
    def n_sites(self) -> int: ...

class Simulation:
    def __init__(self, model: str, lattice: str, L: int, J: float = 1.0, h: float = 0.0,
                 q: int = 2, algorithm: str = "metropolis",
                 temperatures: Sequence[float] = ..., seed: int = 0,
                 parallel_tempering: bool = False, threads: int = 1, init: str = "random",
                 track_minimum: bool = False, fast_kernel: bool = True,
                 replica_ids: Sequence[int] = (), proposal: GlobalProposal | None = None,
                 companion: str = "") -> None: ...
    def thermalize(self, sweeps: int) -> None: ...
    def measure(self, sweeps: int, measure_every: int = 1,
                snapshot_every: int = 0) -> dict[str, np.ndarray]:
        """{'e': (n_T, n_meas), 'm': (n_T, n_meas), 'configs': (n_T, n_snap, n_sites) int8}."""
    def set_temperatures(self, temperatures: Sequence[float]) -> None: ...
    def spread_replicas(self, rank: int, ranks: int,
                        energy_sum: Callable[[list[float]], Sequence[float]]) -> None:
        """Parallel tempering over processes: sweep and measure replicas r % ranks == rank
        only; energy_sum adds each process's replica energies (zeros elsewhere) across them."""
    def configuration(self, slot: int) -> npt.NDArray[np.int8]: ...
    def get_state(self) -> dict[str, np.ndarray]: ...
    def set_state(self, state: dict[str, np.ndarray]) -> None: ...
    @property
    def n_sites(self) -> int: ...
    @property
    def uses_fast_kernel(self) -> bool: ...
    @property
    def parallel_inside(self) -> bool: ...
    @property
    def measures_staggered(self) -> bool:
        """Ising on a two-colourable lattice: measure() also returns 'ms'."""
    @property
    def exchange_acceptance(self) -> list[float]: ...
    @property
    def proposal_acceptance(self) -> list[float]:
        """Per temperature: fraction of the global proposals accepted while measuring."""
    @property
    def clusters_per_sweep(self) -> list[float]: ...
    @property
    def mean_cluster_size(self) -> list[float]: ...
    @property
    def best_energy(self) -> float: ...
    @property
    def best_config(self) -> npt.NDArray[np.int8]: ...

def summarize(e: Sequence[float], m: Sequence[float], n_sites: int, temperature: float,
              measure_every: int = 1, max_bins: int = 32) -> dict[str, float]: ...
def integrated_autocorrelation_time(x: Sequence[float], window_c: float = 6.0) -> float: ...
def update_rule_ergodicity(algorithm: str, model: str, lattice: str, L: int, J: float = 1.0,
                           h: float = 0.0, q: int = 2) -> str:
    """Why the update rule would not be ergodic on this periodic lattice (a cycle of certain
    moves it never leaves), or ''. Simulation builds it anyway; `physml simulate` refuses it."""
def exact_enumeration(model: str, lattice: str, L: int, J: float = 1.0, h: float = 0.0,
                      q: int = 2, temperatures: Sequence[float] = ...) -> dict[str, np.ndarray]: ...

def linear_fit(model: str, X: np.ndarray, y: np.ndarray, alpha: float = 0.0,
               l1_ratio: float = 0.5, fit_intercept: bool = True, tol: float = 1e-8,
               max_iter: int = 10000) -> dict[str, object]:
    """ols, ridge, lasso, elasticnet (regression) or logistic, softmax (labels 0..K-1):
    {'coef', 'intercept', 'iterations', 'converged'}. Lasso/elastic net converge when the
    KKT conditions hold on every feature to tol * max_j |X_j^T y| / n; logistic/softmax when
    the largest gradient component is <= tol * max(1, its value at zero)."""
def linear_score(model: str, coef: np.ndarray, intercept: np.ndarray, X: np.ndarray,
                 y: np.ndarray) -> float: ...
def linear_predict(model: str, coef: np.ndarray, intercept: np.ndarray,
                   X: np.ndarray) -> np.ndarray:
    """Regression values (n, 1) or class probabilities (n, K)."""
def linear_cross_validate(model: str, X: np.ndarray, y: np.ndarray, alphas: Sequence[float],
                          folds: int = 5, seed: int = 0, l1_ratio: float = 0.5,
                          fit_intercept: bool = True, tol: float = 1e-8,
                          max_iter: int = 10000) -> np.ndarray:
    """Validation scores, shape (len(alphas), folds)."""
def pair_features(configs: npt.NDArray[np.int8], threads: int = 1) -> np.ndarray:
    """All products s_i s_j, shape (n, n_sites**2)."""

def hopfield_learn(patterns: npt.NDArray[np.int8], rule: str = "hebbian") -> np.ndarray:
    """Couplings (N, N), zero diagonal, from +-1 patterns (P, N)."""
def hopfield_energy(W: np.ndarray, state: npt.NDArray[np.int8]) -> float: ...
def hopfield_recall(W: np.ndarray, state: npt.NDArray[np.int8], synchronous: bool = False,
                    temperature: float = 0.0, max_sweeps: int = 1000, seed: int = 0,
                    stream: int = 0) -> dict[str, object]:
    """{'state', 'sweeps', 'converged'}."""
def modern_hopfield_update(patterns: npt.NDArray[np.int8], state: npt.NDArray[np.int8],
                           beta: float = 1.0, steps: int = 1) -> npt.NDArray[np.int8]: ...
def hopfield_capacity(n_neurons: int, loads: Sequence[float], trials: int = 10, probes: int = 10,
                      corrupt: float = 0.0, rule: str = "hebbian", seed: int = 0,
                      threads: int = 1, resamples: int = 200,
                      level: float = 0.967) -> dict[str, object]:
    """{'loads', 'overlap', 'overlap_err', 'retrieved', 'alpha_c', 'alpha_c_err',
    'alpha_half', 'alpha_half_err'}."""

def rbm_train(data: np.ndarray, hidden: int = 64, cd_k: int = 1, epochs: int = 10,
              batch_size: int = 10, persistent: bool = False, lr: float = 0.05,
              momentum: float = 0.5, l2: float = 0.0, seed: int = 0, threads: int = 1,
              plus_minus: bool = False) -> dict[str, np.ndarray]:
    """{'W' (visible, hidden), 'b_visible', 'b_hidden'}."""
def rbm_free_energy(W: np.ndarray, b_visible: np.ndarray, b_hidden: np.ndarray, V: np.ndarray,
                    plus_minus: bool = False) -> np.ndarray: ...
def rbm_log_partition(W: np.ndarray, b_visible: np.ndarray, b_hidden: np.ndarray,
                      plus_minus: bool = False, method: str = "exact", runs: int = 100,
                      betas: int = 1000, seed: int = 0, threads: int = 1) -> tuple[float, float]: ...
def rbm_pseudo_log_likelihood(W: np.ndarray, b_visible: np.ndarray, b_hidden: np.ndarray,
                              V: np.ndarray, plus_minus: bool = False, seed: int = 0) -> float: ...
def rbm_sample(W: np.ndarray, b_visible: np.ndarray, b_hidden: np.ndarray,
               plus_minus: bool = False, n: int = 100, steps: int = 1000, seed: int = 0,
               threads: int = 1) -> np.ndarray: ...
def configuration_observables(model: str, lattice: str, L: int, J: float, h: float, q: int,
                              configs: npt.NDArray[np.int8]) -> tuple[np.ndarray, np.ndarray]: ...

# Feed-forward networks (cpp/autodiff). A network is an architecture string such as
# "conv:8:3,relu,dense:100,sigmoid,dense:2", an input shape (height, width, channels) and
# its parameter arrays [W0, b0, W1, b1, ...].
Shape = tuple[int, int, int]

def mlp_init(architecture: str, input_shape: Shape, init: str = "auto",
             seed: int = 0) -> list[npt.NDArray[np.float32]]: ...
def mlp_outputs(architecture: str, input_shape: Shape) -> int: ...
def mlp_train(X: np.ndarray, y: np.ndarray, X_val: np.ndarray, y_val: np.ndarray,
              architecture: str, input_shape: Shape, loss: str = "cross-entropy",
              optimizer: str = "adam", lr: float = 1e-3, epochs: int = 10, batch_size: int = 64,
              momentum: float = 0.9, weight_decay: float = 0.0, l1: float = 0.0, l2: float = 0.0,
              patience: int = 0, init: str = "auto", seed: int = 0, threads: int = 1) -> dict:
    """{'params', 'train_loss', 'train_score', 'val_loss', 'val_score', 'best_epoch', 'stopped_early'}."""
def mlp_predict(architecture: str, input_shape: Shape, params: Sequence[np.ndarray],
                X: np.ndarray, loss: str = "cross-entropy",
                threads: int = 1) -> npt.NDArray[np.float32]: ...
def mlp_evaluate(architecture: str, input_shape: Shape, params: Sequence[np.ndarray],
                 X: np.ndarray, y: np.ndarray, loss: str = "cross-entropy",
                 threads: int = 1) -> tuple[float, float]:
    """(mean loss, accuracy or R^2)."""
def mlp_loss_gradient(architecture: str, input_shape: Shape, params: Sequence[np.ndarray],
                      X: np.ndarray, y: np.ndarray, loss: str = "cross-entropy", l1: float = 0.0,
                      l2: float = 0.0, training: bool = False, seed: int = 0, step: int = 0,
                      threads: int = 1) -> tuple[float, list[npt.NDArray[np.float64]]]: ...

# Spin-1/2 Hamiltonians and exact diagonalization (cpp/ed), Pauli-matrix conventions.
def exact_diagonalize(hamiltonian: str, lattice: str, L: int, J: float = 1.0, h: float = 1.0,
                      delta: float = 1.0, J2: float = 0.0, open: bool = False, n_up: int = -1,
                      levels: int = 2, tol: float = 1e-12, max_iter: int = 1000, seed: int = 0,
                      threads: int = 1) -> dict:
    """{'energies', 'zz', 'x', 'dimension', 'iterations', 'converged', 'residual', 'n_sites',
    'n_bonds'}; tol in (0, 1e-2]: converged means every level's residual |H psi - E psi| is within
    tol of the spectral scale ('residual' is the largest)."""
def exact_memory_estimate(n_sites: int, n_up: int) -> float: ...
def tfim_free_fermion_energy(n: int, J: float, h: float, periodic: bool = True) -> float: ...
def heisenberg_bethe_energy(n: int, J: float = 1.0) -> float: ...
def hamiltonian_matrix(hamiltonian: str, lattice: str, L: int, J: float = 1.0, h: float = 1.0,
                       delta: float = 1.0, J2: float = 0.0,
                       open: bool = False) -> npt.NDArray[np.float64]: ...
def exact_sector_diagonalize(hamiltonian: str, lattice: str, L: int, J: float = 1.0,
                             h: float = 1.0, delta: float = 1.0, J2: float = 0.0,
                             open: bool = False, n_up: int = -1, symmetries: str = "translations",
                             momentum: list[int] = ..., irrep: str = "A1", spin_flip: int = 0,
                             levels: int = 2, tol: float = 1e-12, max_iter: int = 1000,
                             seed: int = 0, threads: int = 1,
                             memory_budget: float = 1e9) -> dict:
    """Lanczos in a symmetry sector: the keys of exact_diagonalize, 'sector', 'group_size',
    'stored', 'nonzeros'; memory_budget: bytes for the stored matrix and Krylov vectors."""
def exact_sector_matrix(hamiltonian: str, lattice: str, L: int, J: float = 1.0, h: float = 1.0,
                        delta: float = 1.0, J2: float = 0.0, open: bool = False,
                        n_up: int = -1, symmetries: str = "translations",
                        momentum: list[int] = ..., irrep: str = "A1",
                        spin_flip: int = 0) -> npt.NDArray[np.complex128]: ...
def exact_sector_dimension(lattice: str, L: int, open: bool = False, n_up: int = -1,
                           symmetries: str = "translations", momentum: list[int] = ...,
                           irrep: str = "A1", spin_flip: int = 0, threads: int = 1) -> int: ...
def exact_sign_rule_sector(hamiltonian: str, lattice: str, L: int, J: float = 1.0,
                           h: float = 1.0, delta: float = 1.0, J2: float = 0.0,
                           open: bool = False, n_up: int = -1, symmetries: str = "translations",
                           momentum: list[int] = ..., irrep: str = "A1",
                           spin_flip: int = 0) -> dict | None: ...
def lattice_sectors(lattice: str, L: int, open: bool = False) -> dict: ...
def exact_sector_memory_estimate(n_sites: int, dimension: float, group_size: int) -> float: ...

class VmcDriver:
    """Variational Monte Carlo with real parameters (VmcDriverComplex: complex ones)."""
    def __init__(self, hamiltonian: str, lattice: str, L: int, J: float = 1.0, h: float = 1.0,
                 delta: float = 1.0, J2: float = 0.0, open: bool = False, ansatz: str = "rbm",
                 alpha: float = 1.0, architecture: str = "", init_scale: float = 0.01,
                 marshall: bool = False, sampler: str = "local", n_up: int = -1,
                 chains: int = 16, samples_per_chain: int = 63, discard: int = 10,
                 sweep_size: int = 0, optimizer: str = "sr", lr: float = 0.05,
                 diag_shift: float = 0.01, sr_solver: str = "auto", cg_tol: float = 1e-6,
                 cg_max_iter: int = 1000, seed: int = 0, threads: int = 1,
                 chain_ids: Sequence[int] = (), symmetries: str = "translations",
                 parity: int = 0, depth: int = 2) -> None: ...
    def step(self) -> dict:
        """One iteration: {'energy', 'energy_err', 'variance', 'rhat', 'energy_imag',
        'acceptance', 'cg_iterations', 'sr_residual', 'gradient_norm'}."""
    def sample_step(self) -> tuple[list, np.ndarray, int, int]:
        """First half of step() for this driver's chains: (local energies, log-derivatives,
        proposed, accepted)."""
    def update_from(self, local_energies: Sequence, log_derivatives: np.ndarray, proposed: int,
                    accepted: int, chains: int) -> dict:
        """Second half of step(), from the samples of all chains, chain after chain."""
    def set_chain_gather(self, gather: Callable[[np.ndarray], np.ndarray], total_chains: int) -> None:
        """Spread run: gather(rows of this driver's chains) returns the rows of all
        total_chains chains in chain order; step() then reduces every sum with it."""
    def measure(self, samples_per_chain: int) -> dict:
        """Fresh samples: {'energy', 'm', 'm_abs', 'm2', 'sx'} (each {'mean', 'error',
        'variance', 'rhat'}), 'energy_imag', 'acceptance', 'zz', 'samples'."""
    @property
    def parameters(self) -> np.ndarray: ...
    @parameters.setter
    def parameters(self, value: np.ndarray) -> None: ...
    @property
    def n_params(self) -> int: ...
    @property
    def iteration(self) -> int: ...
    @iteration.setter
    def iteration(self, value: int) -> None: ...
    @property
    def configs(self) -> npt.NDArray[np.int8]:
        """Each chain's current configuration (rows of +-1)."""
    @configs.setter
    def configs(self, value: npt.ArrayLike) -> None: ...
    @property
    def optimizer_state(self) -> list[np.ndarray]:
        """[Adam first moment, Adam second moment, previous SR solution]."""
    @optimizer_state.setter
    def optimizer_state(self, value: Sequence[np.ndarray]) -> None: ...
    @property
    def lr(self) -> float:
        """The optimiser's step size; may be changed between steps."""
    @lr.setter
    def lr(self, value: float) -> None: ...
    @property
    def diag_shift(self) -> float:
        """SR's diagonal shift; may be changed between steps."""
    @diag_shift.setter
    def diag_shift(self, value: float) -> None: ...
    def local_energies(self, configs: npt.ArrayLike) -> list: ...
    def log_derivatives(self, configs: npt.ArrayLike) -> np.ndarray: ...
    def structured_gram(self, configs: npt.ArrayLike) -> np.ndarray | None: ...
    def log_psi(self, configs: npt.ArrayLike) -> list: ...

class VmcDriverComplex(VmcDriver): ...

def sr_solve(O: np.ndarray, g: np.ndarray, diag_shift: float, solver: str = "auto",
             tol: float = 1e-10, max_iter: int = 10000, threads: int = 1) -> dict:
    """Solve (O^H O / Ns + diag_shift I) x = g: {'x', 'method', 'iterations', 'residual'}."""

def sr_auto_solver(n_samples: int, n_params: int) -> str:
    """The SR solver ('dense', 'kernel' or 'cg') that 'auto' picks for this problem size."""

# --- autoregressive networks and variational free energies (cpp/autoregressive, cpp/variational)

class Made:
    """MADE over N binary sites: q(s) = prod_i sigmoid(s_i z_i(s_<i))."""
    def __init__(self, n_sites: int, depth: int = 2, width: int = 2, activation: str = "tanh",
                 seed: int = 0) -> None: ...
    @property
    def n_params(self) -> int: ...
    @property
    def n_sites(self) -> int: ...
    @property
    def parameters(self) -> np.ndarray: ...
    @parameters.setter
    def parameters(self, value: np.ndarray) -> None: ...
    def set_sector(self, n_up: int) -> None:
        """Restrict q to the configurations with n_up spins up (-1: all)."""
    @property
    def sector(self) -> int: ...
    def sample(self, rows: int, seed: int = 0, step: int = 0, threads: int = 1) -> tuple: ...
    def log_prob(self, configs: npt.ArrayLike, threads: int = 1) -> np.ndarray: ...
    def logits(self, configs: npt.ArrayLike) -> np.ndarray: ...
    def weighted_gradient(self, configs: npt.ArrayLike, weights: list, threads: int = 1) -> tuple: ...

class MadeProposal(GlobalProposal):
    """Trained networks (networks[k] at betas[k]) proposing for --algorithm neural."""
    def __init__(self, betas: Sequence[float], networks: Sequence[Made], z2: bool = False) -> None: ...
    def nearest(self, beta: float) -> int:
        """Index of the network proposing at beta."""
    def draw(self, beta: float, seed: int, first: int, rows: int) -> npt.NDArray[np.int8]:
        """Proposals: row k from the stream (seed, first + k)."""
    def log_q(self, beta: float, configs: npt.ArrayLike) -> list[float]: ...

class ClassicalSystem:
    """N Ising spins with E = -sum J_ij s_i s_j - h sum s_i (a lattice model or the SK glass);
    made by the static constructors only."""
    def __init__(self) -> None: ...
    @staticmethod
    def ising(lattice: str, L: int, open: bool = False, J: float = 1.0, h: float = 0.0) -> "ClassicalSystem": ...
    @staticmethod
    def sherrington_kirkpatrick(n: int, couplings_seed: int = 0, h: float = 0.0) -> "ClassicalSystem": ...
    @property
    def n_sites(self) -> int: ...
    @property
    def couplings(self) -> list: ...
    @property
    def mean_field_tc(self) -> float: ...
    def energies(self, configs: npt.ArrayLike) -> np.ndarray: ...
    def enumerate(self, T: float) -> dict: ...
    def mean_field(self, T: float) -> dict: ...
    def bethe(self, T: float) -> dict: ...
    @property
    def coordination(self) -> int: ...

class VanTrainer:
    """REINFORCE training of a MADE on beta F_q = <log q + beta E>_q (Wu, Wang & Zhang 2019)."""
    def __init__(self, system: ClassicalSystem, network: Made, beta: float, batch: int = 1000,
                 lr: float = 1e-3, clip: float = 0.0, anneal: float = 0.0, z2: bool = False,
                 threads: int = 1, seed: int = 0) -> None: ...
    @property
    def iteration(self) -> int: ...
    @iteration.setter
    def iteration(self, value: int) -> None: ...
    @property
    def parameters(self) -> np.ndarray: ...
    @parameters.setter
    def parameters(self, value: np.ndarray) -> None: ...
    @property
    def optimizer_state(self) -> dict: ...
    @optimizer_state.setter
    def optimizer_state(self, value: dict) -> None: ...
    def step(self) -> dict: ...
    def gradient(self, step: int, beta: float) -> np.ndarray: ...
    def estimate(self, samples: int) -> dict: ...
    def sample(self, rows: int, step: int = 0) -> tuple: ...

def kaufman(L: int, J: float, T: float) -> dict:
    """Exact {'f', 'e'} per site of the periodic L x L Ising model at zero field."""

class DMRG:
    """Two-site DMRG of a registered spin Hamiltonian (sites in the lattice's index order),
    one sweep per call; between sweeps the state is right-canonical with its weight on site 0."""
    def __init__(self, hamiltonian: str, lattice: str, L: int, J: float = 1.0, h: float = 1.0,
                 delta: float = 1.0, J2: float = 0.0, open: bool = False, n_up: int = 0,
                 threads: int = 1) -> None: ...
    def sweep(self, bond_dim: int, cutoff: float = 1e-12, mixer: float = 0.0,
              tol: float = 1e-10, lanczos_steps: int = 40) -> dict:
        """{'energy', 'discarded_weight', 'largest_bond', 'lanczos_steps', 'lanczos_converged'}."""
    def energy(self) -> float: ...
    def energy_squared(self) -> float: ...
    def variance(self) -> float: ...
    def schmidt_values(self) -> list[npt.NDArray[np.float64]]: ...
    def zz_correlations(self, reference: int) -> list[float]: ...
    def sz(self) -> list[float]: ...
    def sx(self) -> list[float]: ...
    def state(self) -> dict:
        """{'charges', 'dims': per bond; 'data': per site, blocks s then left sector,
        column-major; 'conserved'}."""
    def set_state(self, charges: Sequence[Sequence[int]], dims: Sequence[Sequence[int]],
                  data: Sequence[npt.NDArray[np.float64]]) -> None: ...
    def set_threads(self, threads: int) -> None: ...
    def dense(self) -> npt.NDArray[np.float64]: ...
    @property
    def n_sites(self) -> int: ...
    @property
    def conserves_sz(self) -> bool: ...
    @property
    def mpo_bond_dims(self) -> list[int]: ...

def truncated_svd(matrix: npt.NDArray[np.float64], max_bond: int = 0,
                  cutoff: float = 1e-12) -> dict:
    """{'U', 'S', 'V', 'discarded_weight'}: the engine's SVD cut."""
def dmrg_mpo_apply(hamiltonian: str, lattice: str, L: int, J: float = 1.0, h: float = 1.0,
                   delta: float = 1.0, J2: float = 0.0, open: bool = False,
                   psi: npt.NDArray[np.float64] = ...) -> npt.NDArray[np.float64]: ...
# tensor renormalization (cpp/renormalization/, bindings/renormalization_bindings.cpp)
def renormalize(method: str, model: str, T: float, J: float = 1.0, h: float = 0.0, q: int = 2,
                bond_dim: int = 32, size: int = 0, tol: float = 1e-12, max_steps: int = 200,
                threads: int = 1, derivatives: bool = True) -> dict:
    """{'f', 'log_z', 'e', 'c', 'dbeta', 'converged', 'n_steps', 'steps': {'log_norm', 'log_z',
    'discarded_weight', 'kept', 'smallest_kept', 'spectrum'}} per site by trg or hotrg: the
    infinite square lattice (size 0) or the periodic size x size torus (a power of two)."""

def onsager(J: float, T: float) -> dict:
    """Onsager's exact {'f', 'e'} per site of the infinite square Ising lattice, zero field."""

BornTensors = list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]

class BornTrainer:
    """Two-site sweeping training of an MPS Born machine on 0/1 data."""
    def __init__(self, data: npt.NDArray[np.uint8], tensors: BornTensors = ...,
                 threads: int = 1) -> None: ...
    def sweep(self, bond_dim: int, cutoff: float, lr: float, descent_steps: int) -> dict:
        """One sweep (left to right and back): {'nll', 'discarded_weight', 'largest_bond',
        'rejected_steps'}."""
    def tensors(self) -> BornTensors: ...

def born_log_probabilities(tensors: BornTensors, configurations: npt.NDArray[np.uint8],
                           threads: int = 1) -> npt.NDArray[np.float64]:
    """ln p(v) of each 0/1 row."""
def born_log_norm(tensors: BornTensors) -> float:
    """ln Z of the unnormalised MPS."""
def born_sample(tensors: BornTensors, n: int, seed: int = 0,
                threads: int = 1) -> npt.NDArray[np.uint8]:
    """n exact, independent samples (0/1 rows)."""
def bars_and_stripes(rows: int, cols: int) -> npt.NDArray[np.uint8]:
    """Every bars-and-stripes pattern once, row-major 0/1 pixels."""
def toy_sample(name: str, n: int, seed: int = 0) -> npt.NDArray[np.float64]:
    """n points (rows x, y) of a registered toy distribution."""
def toy_log_density(name: str, X: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """ln p of a toy distribution at each row of X."""

class FlowTrainer:
    """Maximum-likelihood training of a coupling flow on rows of data."""
    def __init__(self, X: npt.NDArray[np.float64], layers: int = 8, hidden: list[int] = ...,
                 coupling: str = "affine", activation: str = "tanh", lr: float = 1e-3,
                 batch_size: int = 256, seed: int = 0, threads: int = 1) -> None: ...
    def epoch(self) -> float:
        """One pass over the data: the mean NLL of its batches."""
    def flow(self) -> dict:
        """The trained flow: {'dim', 'layers', 'hidden', 'coupling', 'activation', 'shift',
        'spread', 'params'}, what flow_log_prob and flow_sample take."""

def flow_log_prob(flow: dict, X: npt.NDArray[np.float64], threads: int = 1) -> npt.NDArray[np.float64]:
    """ln q of each row of X."""
def flow_sample(flow: dict, n: int, seed: int = 0,
                threads: int = 1) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(X, ln q): n samples of the flow and their log-density."""
def flow_parameter_shapes(dim: int, layers: int, hidden: list[int], coupling: str,
                          activation: str) -> list[tuple[int, int]]:
    """The shapes of a flow's parameter arrays, in order."""
def flow_nll_gradient(flow: dict, X: npt.NDArray[np.float64],
                      threads: int = 1) -> tuple[float, list[npt.NDArray[np.float64]]]:
    """(mean NLL of X, its gradient for every parameter array): what training descends."""
def flow_to_base(flow: dict, X: npt.NDArray[np.float64],
                 threads: int = 1) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(Z, ln|det dz/dx|): the rows mapped to the base space."""
def flow_from_base(flow: dict, Z: npt.NDArray[np.float64],
                   threads: int = 1) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(X, ln|det dz/dx| at X): base points mapped back to the data space."""
