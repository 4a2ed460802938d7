// Python face of variational Monte Carlo: one driver class per parameter type.
#include <pybind11/complex.h>
#include <pybind11/eigen.h>
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "vmc/driver.hpp"

namespace py = pybind11;
using namespace pybind11::literals;
using namespace physml;
using namespace physml::vmc;

namespace {

py::dict stats_dict(const ChainStatistics& s) {
  py::dict d("mean"_a = s.mean, "error"_a = s.error, "variance"_a = s.variance, "rhat"_a = s.rhat);
  return d;
}

std::vector<Config> configs_from(const py::array_t<int8_t, py::array::c_style | py::array::forcecast>& a) {
  if (a.ndim() != 2) throw std::invalid_argument("configurations must be a 2-D array (one row each)");
  std::vector<Config> out;
  for (py::ssize_t r = 0; r < a.shape(0); ++r) out.emplace_back(a.data(r, 0), a.data(r, 0) + a.shape(1));
  return out;
}

py::dict iteration_dict(const IterationStats& st) {
  py::dict out("energy"_a = st.energy.mean, "energy_err"_a = st.energy.error,
               "variance"_a = st.energy.variance, "rhat"_a = st.energy.rhat,
               "energy_imag"_a = st.energy_imag, "acceptance"_a = st.acceptance,
               "cg_iterations"_a = st.cg_iterations, "sr_residual"_a = st.sr_residual,
               "gradient_norm"_a = st.gradient_norm);
  return out;
}

py::array_t<int8_t> configs_to(const std::vector<Config>& c) {
  const py::ssize_t n = c.empty() ? 0 : py::ssize_t(c[0].size());
  py::array_t<int8_t> a({py::ssize_t(c.size()), n});
  for (size_t r = 0; r < c.size(); ++r) std::copy(c[r].begin(), c[r].end(), a.mutable_data(py::ssize_t(r), 0));
  return a;
}

template <class T>
void bind_driver(py::module_& m, const char* name) {
  using Driver = VmcDriver<T>;
  py::class_<Driver>(m, name, py::module_local())
      .def(py::init([](const std::string& ham, const std::string& lattice, int L, double J, double h,
                       double delta, double J2, bool open, const std::string& ansatz, double alpha,
                       const std::string& architecture, double init_scale, bool marshall,
                       const std::string& sampler, int n_up, int chains, int samples_per_chain,
                       int discard, int sweep_size, const std::string& optimizer, double lr,
                       double diag_shift, const std::string& sr_solver, double cg_tol, int cg_max_iter,
                       uint64_t seed, int threads, const std::vector<int>& chain_ids,
                       const std::string& symmetries, int parity, int depth) {
             VmcSpec s;
             s.hamiltonian = hamiltonian(ham, lattice, L, J, h, delta, J2, open);
             s.lattice = lattice;
             s.L = L;
             s.open = open;
             s.ansatz.kind = ansatz;
             s.ansatz.alpha = alpha;
             s.ansatz.architecture = architecture;
             s.ansatz.init_scale = init_scale;
             s.ansatz.seed = seed;
             s.ansatz.depth = depth;
             s.symmetries = symmetries;
             s.parity = parity;
             // Periodic convolutions see one-site two-dimensional lattices as an L x L image.
             const Lattice lat(lattice, L, open);
             const bool grid = lat.dimension() == 2 && lat.basis() == 1;
             s.ansatz.height = grid ? L : 1;
             s.ansatz.width = grid ? L : s.hamiltonian.n_sites;
             s.marshall = marshall;
             s.proposal = parse_proposal(sampler);
             s.n_up = n_up;
             s.chains = chains;
             s.samples_per_chain = samples_per_chain;
             s.discard = discard;
             s.sweep_size = sweep_size;
             s.optimizer = parse_optimizer(optimizer);
             s.lr = lr;
             s.sr.diag_shift = diag_shift;
             s.sr.solver = parse_sr_solver(sr_solver);
             s.sr.tol = cg_tol;
             s.sr.max_iter = cg_max_iter;
             s.seed = seed;
             s.threads = engine_threads(threads);
             s.chain_ids = chain_ids;
             return std::make_unique<Driver>(s);
           }),
           py::arg("hamiltonian"), py::arg("lattice"), py::arg("L"), py::arg("J") = 1.0, py::arg("h") = 1.0,
           py::arg("delta") = 1.0, py::arg("J2") = 0.0, py::arg("open") = false, py::arg("ansatz") = "rbm",
           py::arg("alpha") = 1.0, py::arg("architecture") = "", py::arg("init_scale") = 0.01,
           py::arg("marshall") = false, py::arg("sampler") = "local", py::arg("n_up") = -1,
           py::arg("chains") = 16, py::arg("samples_per_chain") = 63, py::arg("discard") = 10,
           py::arg("sweep_size") = 0, py::arg("optimizer") = "sr", py::arg("lr") = 0.05,
           py::arg("diag_shift") = 0.01, py::arg("sr_solver") = "auto", py::arg("cg_tol") = 1e-6,
           py::arg("cg_max_iter") = 1000, py::arg("seed") = 0, py::arg("threads") = 1,
           py::arg("chain_ids") = std::vector<int>{}, py::arg("symmetries") = "translations",
           py::arg("parity") = 0, py::arg("depth") = 2)
      .def("step",
           [](Driver& d) {
             IterationStats st;
             {
               py::gil_scoped_release release;
               st = d.step();
             }
             return iteration_dict(st);
           },
           "One optimisation iteration; statistics of the samples it used (before the update).")
      .def("sample_step",
           [](Driver& d) {
             {
               py::gil_scoped_release release;
               d.sample_step();
             }
             const MoveCounts c = d.sampled_counts();
             return py::make_tuple(d.sampled_local_energies(), d.sampled_log_derivatives(), c.proposed,
                                   c.accepted);
           },
           "First half of step() for this driver's chains: (local energies, log-derivatives, "
           "proposed, accepted).")
      .def("update_from",
           [](Driver& d, std::vector<T> eloc, RowMatrix<T> O, long proposed, long accepted, int chains) {
             IterationStats st;
             {
               py::gil_scoped_release release;
               st = d.update_from(std::move(eloc), std::move(O), MoveCounts{proposed, accepted}, chains);
             }
             return iteration_dict(st);
           },
           py::arg("local_energies"), py::arg("log_derivatives"), py::arg("proposed"), py::arg("accepted"),
           py::arg("chains"), "Second half of step(), from the samples of all chains, chain after chain.")
      .def("set_chain_gather", &Driver::set_chain_gather, py::arg("gather"), py::arg("total_chains"),
           "Spread run: gather(rows of this driver's chains) must return the rows of all "
           "total_chains chains in chain order; step() then reduces with it.")
      .def("measure",
           [](Driver& d, int per_chain) {
             Measurement r;
             {
               py::gil_scoped_release release;
               r = d.measure(per_chain);
             }
             py::dict out("energy"_a = stats_dict(r.energy), "m"_a = stats_dict(r.m),
                          "m_abs"_a = stats_dict(r.m_abs), "m2"_a = stats_dict(r.m2),
                          "sx"_a = stats_dict(r.sx), "energy_imag"_a = r.energy_imag,
                          "acceptance"_a = r.acceptance, "zz"_a = r.zz, "samples"_a = r.samples);
             return out;
           },
           py::arg("samples_per_chain"), "Fresh samples with the current parameters: energy and observables.")
      .def_property("parameters", &Driver::parameters, &Driver::set_parameters)
      .def_property_readonly("n_params", &Driver::n_params)
      .def_property("iteration", &Driver::iteration, &Driver::set_iteration)
      .def_property("configs", [](const Driver& d) { return configs_to(d.configs()); },
                    [](Driver& d, const py::array_t<int8_t, py::array::c_style | py::array::forcecast>& a) {
                      d.set_configs(configs_from(a));
                    })
      .def_property("optimizer_state", &Driver::optimizer_state, &Driver::set_optimizer_state)
      .def_property("lr", &Driver::lr, &Driver::set_lr, "step size of the optimiser (may change between steps)")
      .def_property("diag_shift", &Driver::diag_shift, &Driver::set_diag_shift,
                    "SR's diagonal shift (may change between steps)")
      .def("local_energies",
           [](Driver& d, const py::array_t<int8_t, py::array::c_style | py::array::forcecast>& a) {
             return d.local_energies(configs_from(a));
           },
           py::arg("configs"), "Local energies of the given configurations (rows of +-1).")
      .def("log_derivatives",
           [](Driver& d, const py::array_t<int8_t, py::array::c_style | py::array::forcecast>& a) {
             return d.log_derivatives(configs_from(a));
           },
           py::arg("configs"), "d log psi / d parameters of the given configurations (one row each).")
      .def("structured_gram",
           [](Driver& d, const py::array_t<int8_t, py::array::c_style | py::array::forcecast>& a) -> py::object {
             const long k = d.ansatz().gram_columns();
             if (k == 0) return py::none();
             const RowMatrix<T> O = d.log_derivatives(configs_from(a));
             RowMatrix<T> G;
             d.ansatz().log_derivative_gram(O.leftCols(k), G, 1);
             return py::cast(G);
           },
           py::arg("configs"),
           "The Gram matrix O O^dagger of the configurations' log-derivatives as the ansatz builds it "
           "from their structure (None where it has none).")
      .def("log_psi",
           [](const Driver& d, const py::array_t<int8_t, py::array::c_style | py::array::forcecast>& a) {
             std::vector<T> out;
             for (const Config& c : configs_from(a)) out.push_back(d.ansatz().log_psi(c));
             return out;
           },
           py::arg("configs"), "log psi of the given configurations, from scratch.");
}

template <class T>
void bind_sr(py::module_& m) {
  m.def("sr_solve",
        [](const RowMatrix<T>& Oc, const Eigen::Matrix<T, Eigen::Dynamic, 1>& g, double diag_shift,
           const std::string& solver, double tol, int max_iter, int threads) {
          SrSettings s;
          s.diag_shift = diag_shift;
          s.solver = parse_sr_solver(solver);
          s.tol = tol;
          s.max_iter = max_iter;
          s.threads = engine_threads(threads);
          const SrStep<T> r = solve_sr<T>(Oc, g, s, Eigen::Matrix<T, Eigen::Dynamic, 1>());
          py::dict d("x"_a = r.x, "method"_a = r.method, "iterations"_a = r.iterations,
                       "residual"_a = r.residual);
          return d;
        },
        py::arg("O"), py::arg("g"), py::arg("diag_shift"), py::arg("solver") = "auto", py::arg("tol") = 1e-10,
        py::arg("max_iter") = 10000, py::arg("threads") = 1,
        "Solve (O^dagger O / Ns + diag_shift I) x = g for centred log-derivatives O (one row per sample).");
}

}  // namespace

void bind_vmc(py::module_& m) {
  bind_driver<double>(m, "VmcDriver");
  bind_driver<std::complex<double>>(m, "VmcDriverComplex");
  bind_sr<std::complex<double>>(m);
  bind_sr<double>(m);
  m.def("sr_auto_solver",
        [](long n_samples, long n_params) {
          switch (choose_sr_solver(n_samples, n_params)) {
            case SrSolver::Dense: return "dense";
            case SrSolver::Kernel: return "kernel";
            default: return "cg";
          }
        },
        py::arg("n_samples"), py::arg("n_params"), "The SR solver that 'auto' picks for this problem size.");
}
