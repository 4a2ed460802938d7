// cpp/bindings is the only code that knows about Python. Long-running calls release the GIL so
// Python's signal handlers and progress display keep running between calls.
#include <pybind11/eigen.h>
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "hopfield/hopfield.hpp"
#include "lattice/lattice.hpp"
#include "linear/cross_validation.hpp"
#include "linear/features.hpp"
#include "mc/checkerboard_square.hpp"
#include "rbm/rbm.hpp"
#include "mc/enumeration.hpp"
#include "mc/simulation.hpp"
#include "mc/statistics.hpp"

#ifdef PHYSML_HAVE_OPENMP
#include <omp.h>
#endif

namespace py = pybind11;
using namespace physml;

namespace {

template <typename T>
py::array_t<T> to_array(const std::vector<T>& v, std::vector<py::ssize_t> shape) {
  py::array_t<T> a(shape);
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

template <typename T>
std::vector<T> from_array(const py::dict& d, const char* name) {
  auto a = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(d[name]);
  if (!a) throw std::invalid_argument(std::string("checkpoint state lacks ") + name);
  return std::vector<T>(a.data(), a.data() + a.size());
}

py::dict summary_dict(const ThermoSummary& s) {
  py::dict d;
  d["n_samples"] = s.n_samples;
  d["n_bins"] = s.n_bins;
#define PHYSML_FIELD(x) d[#x] = s.x;
  PHYSML_FIELD(e) PHYSML_FIELD(e_err) PHYSML_FIELD(m) PHYSML_FIELD(m_err)
  PHYSML_FIELD(m_abs) PHYSML_FIELD(m_abs_err) PHYSML_FIELD(m2) PHYSML_FIELD(m2_err)
  PHYSML_FIELD(m4) PHYSML_FIELD(m4_err) PHYSML_FIELD(c) PHYSML_FIELD(c_err)
  PHYSML_FIELD(chi) PHYSML_FIELD(chi_err) PHYSML_FIELD(binder) PHYSML_FIELD(binder_err)
  PHYSML_FIELD(tau_e) PHYSML_FIELD(tau_m)
#undef PHYSML_FIELD
  return d;
}

Rbm make_rbm(const Eigen::MatrixXd& W, const Eigen::VectorXd& b, const Eigen::VectorXd& c,
             bool plus_minus) {
  if (b.size() != W.rows() || c.size() != W.cols())
    throw std::invalid_argument("RBM biases do not match the weight matrix");
  if (!W.allFinite() || !b.allFinite() || !c.allFinite())
    throw std::invalid_argument("RBM parameters contain NaN or infinite values");
  Rbm m;
  m.W = W;
  m.b = b;
  m.c = c;
  m.plus_minus = plus_minus;
  return m;
}

LinearSpec linear_spec(const std::string& model, double l1_ratio, bool fit_intercept, double tol,
                       int max_iter) {
  LinearSpec spec;
  spec.model = model;
  spec.l1_ratio = l1_ratio;
  spec.fit_intercept = fit_intercept;
  spec.tol = tol;
  spec.max_iter = max_iter;
  return spec;
}

}  // namespace

PYBIND11_MODULE(PHYSML_MODULE_NAME, m) {
  m.doc() = "physml numerical engine (C++; no I/O)";
  // Eigen would pick its product blocking by thread count, and so round differently
  // with 1 or 2 threads; the engine parallelizes itself, deterministically.
  Eigen::setNbThreads(1);
#ifdef PHYSML_VERSION
  m.attr("__version__") = PHYSML_VERSION;
#endif
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const std::invalid_argument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });

  m.def("has_openmp", []() {
#ifdef PHYSML_HAVE_OPENMP
    return true;
#else
    return false;
#endif
  });
  m.def("max_threads", []() {
#ifdef PHYSML_HAVE_OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
  });
  m.def("cpu_has_avx2", []() {
#if defined(__x86_64__) || defined(__i386__)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return false;
#endif
  }, "Whether this CPU can run the AVX2/FMA build of the engine.");
  m.def("build_isa", []() {
#if defined(__AVX2__)
    return std::string("avx2");
#else
    return std::string("generic");
#endif
  }, "Instruction set this build of the engine was compiled for.");
  m.def("kernel_isa", []() { return std::string(checkerboard_isa()); },
        "Instruction set the square-lattice checkerboard kernel runs with on this CPU.");
  m.def("force_portable_kernel", &force_portable_kernel, py::arg("on"),
        "Use the portable checkerboard loop even where AVX2 is available.");

  py::class_<Simulation>(m, "Simulation", py::module_local())
      .def(py::init([](const std::string& model, const std::string& lattice, int L, double J,
                       double h, int q, const std::string& algorithm,
                       const std::vector<double>& temperatures, uint64_t seed,
                       bool parallel_tempering, int threads, const std::string& init,
                       bool track_minimum, bool fast_kernel, const std::vector<uint32_t>& replica_ids) {
             SimulationSpec s;
             s.model = model; s.lattice = lattice; s.L = L; s.J = J; s.h = h; s.q = q;
             s.algorithm = algorithm; s.temperatures = temperatures; s.seed = seed;
             s.parallel_tempering = parallel_tempering; s.threads = threads; s.init = init;
             s.track_minimum = track_minimum; s.fast_kernel = fast_kernel;
             s.replica_ids = replica_ids;
             return std::make_unique<Simulation>(s);
           }),
           py::arg("model"), py::arg("lattice"), py::arg("L"), py::arg("J") = 1.0,
           py::arg("h") = 0.0, py::arg("q") = 2, py::arg("algorithm") = "metropolis",
           py::arg("temperatures") = std::vector<double>{1.0}, py::arg("seed") = 0,
           py::arg("parallel_tempering") = false, py::arg("threads") = 1,
           py::arg("init") = "random", py::arg("track_minimum") = false,
           py::arg("fast_kernel") = true, py::arg("replica_ids") = std::vector<uint32_t>{})
      .def("thermalize", &Simulation::thermalize, py::arg("sweeps"),
           py::call_guard<py::gil_scoped_release>())
      .def("measure",
           [](Simulation& sim, int64_t sweeps, int measure_every, int64_t snapshot_every) {
             MeasureBlock b;
             {
               py::gil_scoped_release release;
               b = sim.measure(sweeps, measure_every, snapshot_every);
             }
             py::dict d;
             d["e"] = to_array(b.e, {b.n_temps, b.n_meas});
             d["m"] = to_array(b.m, {b.n_temps, b.n_meas});
             if (!b.ms.empty()) d["ms"] = to_array(b.ms, {b.n_temps, b.n_meas});
             d["configs"] = to_array(b.configs, {b.n_temps, b.n_snap, b.n_sites});
             return d;
           },
           py::arg("sweeps"), py::arg("measure_every") = 1, py::arg("snapshot_every") = 0)
      .def("spread_replicas", &Simulation::spread_replicas, py::arg("rank"), py::arg("ranks"),
           py::arg("energy_sum"),
           "Parallel tempering over processes: sweep and measure replicas r % ranks == rank only; "
           "energy_sum adds each process's replica energies (zeros elsewhere) across processes.")
      .def("set_temperatures", &Simulation::set_temperatures)
      .def("configuration", [](Simulation& sim, int slot) {
        return to_array(sim.configuration(slot), {sim.lattice().n_sites()});
      })
      .def_property_readonly("n_sites", [](const Simulation& s) { return s.lattice().n_sites(); })
      .def_property_readonly("uses_fast_kernel", &Simulation::uses_fast_kernel)
      .def_property_readonly("parallel_inside", &Simulation::parallel_inside)
      .def_property_readonly("measures_staggered", &Simulation::measures_staggered)
      .def_property_readonly("exchange_acceptance", &Simulation::exchange_acceptance)
      .def_property_readonly("clusters_per_sweep", &Simulation::clusters_per_sweep)
      .def_property_readonly("mean_cluster_size", &Simulation::mean_cluster_size)
      .def_property_readonly("best_energy", &Simulation::best_energy)
      .def_property_readonly("best_config", [](const Simulation& s) {
        return to_array(s.best_config(), {py::ssize_t(s.best_config().size())});
      })
      .def("get_state", [](Simulation& sim) {
        const SimulationState s = sim.state();
        py::dict d;
        d["spins"] = to_array(s.spins, {py::ssize_t(s.spins.size())});
        d["lanes"] = to_array(s.lanes, {py::ssize_t(s.lanes.size())});
        d["sweeps"] = to_array(s.sweeps, {py::ssize_t(s.sweeps.size())});
        d["serial"] = to_array(s.serial, {py::ssize_t(s.serial.size())});
        d["replica_of_slot"] = to_array(s.replica_of_slot, {py::ssize_t(s.replica_of_slot.size())});
        d["exchange_stream"] = to_array(s.exchange_stream, {2});
        d["exchange_attempts"] = to_array(s.exchange_attempts, {py::ssize_t(s.exchange_attempts.size())});
        d["exchange_accepts"] = to_array(s.exchange_accepts, {py::ssize_t(s.exchange_accepts.size())});
        d["clusters_per_sweep"] = to_array(s.clusters_per_sweep, {py::ssize_t(s.clusters_per_sweep.size())});
        d["cluster_sweeps"] = to_array(s.cluster_sweeps, {py::ssize_t(s.cluster_sweeps.size())});
        d["cluster_count_avg"] = to_array(s.cluster_count_avg, {py::ssize_t(s.cluster_count_avg.size())});
        d["cluster_sites_avg"] = to_array(s.cluster_sites_avg, {py::ssize_t(s.cluster_sites_avg.size())});
        d["counters"] = to_array(s.counters, {py::ssize_t(s.counters.size())});
        d["betas"] = to_array(s.betas, {py::ssize_t(s.betas.size())});
        d["best_energy"] = to_array(std::vector<double>{s.best_energy}, {1});
        d["best_config"] = to_array(s.best_config, {py::ssize_t(s.best_config.size())});
        return d;
      })
      .def("set_state", [](Simulation& sim, const py::dict& d) {
        SimulationState s;
        s.spins = from_array<int8_t>(d, "spins");
        s.lanes = from_array<uint32_t>(d, "lanes");
        s.sweeps = from_array<uint64_t>(d, "sweeps");
        s.serial = from_array<uint64_t>(d, "serial");
        s.replica_of_slot = from_array<int32_t>(d, "replica_of_slot");
        s.exchange_stream = from_array<uint64_t>(d, "exchange_stream");
        s.exchange_attempts = from_array<int64_t>(d, "exchange_attempts");
        s.exchange_accepts = from_array<int64_t>(d, "exchange_accepts");
        s.clusters_per_sweep = from_array<double>(d, "clusters_per_sweep");
        s.cluster_sweeps = from_array<int64_t>(d, "cluster_sweeps");
        s.cluster_count_avg = from_array<double>(d, "cluster_count_avg");
        s.cluster_sites_avg = from_array<double>(d, "cluster_sites_avg");
        s.counters = from_array<int64_t>(d, "counters");
        s.betas = from_array<double>(d, "betas");
        const auto be = from_array<double>(d, "best_energy");
        if (be.size() != 1) throw std::invalid_argument("checkpoint state: bad best_energy");
        s.best_energy = be[0];
        s.best_config = from_array<int8_t>(d, "best_config");
        sim.restore(s);
      });

  m.def("summarize",
        [](const std::vector<double>& e, const std::vector<double>& mm, int n_sites, double T,
           int measure_every, int max_bins) {
          return summary_dict(summarize(e, mm, n_sites, T, measure_every, max_bins));
        },
        py::arg("e"), py::arg("m"), py::arg("n_sites"), py::arg("temperature"),
        py::arg("measure_every") = 1, py::arg("max_bins") = 32);
  m.def("integrated_autocorrelation_time", &integrated_autocorrelation_time, py::arg("x"),
        py::arg("window_c") = 6.0);
  m.def("exact_enumeration",
        [](const std::string& model, const std::string& lattice, int L, double J, double h, int q,
           const std::vector<double>& temperatures) {
          const Lattice lat(lattice, L);
          const Model mod = make_model(model, J, h, q);
          ExactThermo x;
          {
            py::gil_scoped_release release;
            x = exact_enumeration(lat, mod, temperatures);
          }
          py::dict d;
          const py::ssize_t n = py::ssize_t(temperatures.size());
          d["e"] = to_array(x.e, {n});
          d["m_abs"] = to_array(x.m_abs, {n});
          d["m2"] = to_array(x.m2, {n});
          d["m4"] = to_array(x.m4, {n});
          d["c"] = to_array(x.c, {n});
          d["chi"] = to_array(x.chi, {n});
          d["binder"] = to_array(x.binder, {n});
          return d;
        },
        py::arg("model"), py::arg("lattice"), py::arg("L"), py::arg("J") = 1.0, py::arg("h") = 0.0,
        py::arg("q") = 2, py::arg("temperatures") = std::vector<double>{1.0});

  m.def("linear_fit",
        [](const std::string& model, const Matrix& X, const Vector& y, double alpha,
           double l1_ratio, bool fit_intercept, double tol, int max_iter) {
          const LinearSpec spec = linear_spec(model, l1_ratio, fit_intercept, tol, max_iter);
          LinearFit reg;
          ClassifierFit cls;
          {
            py::gil_scoped_release release;
            fit_one(spec, X, y, alpha, reg, cls);
          }
          py::dict d;
          if (is_classifier(model)) {
            d["coef"] = cls.coef;
            d["intercept"] = cls.intercept;
            d["iterations"] = cls.iterations;
            d["converged"] = cls.converged;
          } else {
            d["coef"] = reg.coef;
            d["intercept"] = reg.intercept;
            d["iterations"] = reg.iterations;
            d["converged"] = reg.converged;
          }
          return d;
        },
        py::arg("model"), py::arg("X"), py::arg("y"), py::arg("alpha") = 0.0,
        py::arg("l1_ratio") = 0.5, py::arg("fit_intercept") = true, py::arg("tol") = 1e-8,
        py::arg("max_iter") = 10000,
        "Fit ols, ridge, lasso, elasticnet (regression) or logistic, softmax (labels 0..K-1).");
  m.def("linear_score",
        [](const std::string& model, const Matrix& coef, const Vector& intercept, const Matrix& X,
           const Vector& y) {
          const LinearSpec spec = linear_spec(model, 0.5, true, 1e-8, 1);
          LinearFit reg;
          ClassifierFit cls;
          if (is_classifier(model)) {
            cls.coef = coef;
            cls.intercept = intercept;
          } else {
            if (coef.rows() != 1 || intercept.size() != 1)
              throw std::invalid_argument("regression coefficients must be one row");
            reg.coef = coef.row(0).transpose();
            reg.intercept = intercept(0);
          }
          if (X.cols() != coef.cols()) throw std::invalid_argument("X has the wrong number of features");
          return score(spec, reg, cls, X, y);
        },
        py::arg("model"), py::arg("coef"), py::arg("intercept"), py::arg("X"), py::arg("y"),
        "R^2 (regression) or accuracy (classification) of stored coefficients on (X, y).");
  m.def("linear_predict",
        [](const std::string& model, const Matrix& coef, const Vector& intercept, const Matrix& X) {
          if (X.cols() != coef.cols()) throw std::invalid_argument("X has the wrong number of features");
          if (is_classifier(model)) {
            ClassifierFit cls;
            cls.coef = coef;
            cls.intercept = intercept;
            return Matrix(predict_proba(cls, X));
          }
          if (coef.rows() != 1 || intercept.size() != 1)
            throw std::invalid_argument("regression coefficients must be one row");
          Matrix out = X * coef.row(0).transpose();
          out.array() += intercept(0);
          return out;
        },
        py::arg("model"), py::arg("coef"), py::arg("intercept"), py::arg("X"),
        "Predictions (n, 1) of a regression, or class probabilities (n, K).");
  m.def("linear_cross_validate",
        [](const std::string& model, const Matrix& X, const Vector& y,
           const std::vector<double>& alphas, int folds, uint64_t seed, double l1_ratio,
           bool fit_intercept, double tol, int max_iter) {
          const LinearSpec spec = linear_spec(model, l1_ratio, fit_intercept, tol, max_iter);
          py::gil_scoped_release release;
          return cross_validate(spec, X, y, alphas, folds, seed);
        },
        py::arg("model"), py::arg("X"), py::arg("y"), py::arg("alphas"), py::arg("folds") = 5,
        py::arg("seed") = 0, py::arg("l1_ratio") = 0.5, py::arg("fit_intercept") = true,
        py::arg("tol") = 1e-8, py::arg("max_iter") = 10000,
        "Validation scores, shape (len(alphas), folds).");
  m.def("pair_features",
        [](py::array_t<int8_t, py::array::c_style | py::array::forcecast> configs, int threads) {
          if (configs.ndim() != 2) throw std::invalid_argument("configurations must be (n, n_sites)");
          const long n = long(configs.shape(0)), N = long(configs.shape(1));
          if (double(n) * double(N) * double(N) > 4e9)
            throw std::invalid_argument("pair features would need more than 32 GB");
          py::gil_scoped_release release;
          return pair_features(configs.data(), n, N, threads);
        },
        py::arg("configs"), py::arg("threads") = 1,
        "All products s_i s_j of each configuration, shape (n, n_sites**2).");

  m.def("hopfield_learn",
        [](const PatternMatrix& patterns, const std::string& rule) {
          const HopfieldRule r = parse_hopfield_rule(rule);
          py::gil_scoped_release release;
          return hopfield_learn(patterns, r);
        },
        py::arg("patterns"), py::arg("rule") = "hebbian",
        "Couplings (N, N) from +-1 patterns (P, N): hebbian, pseudoinverse or storkey.");
  m.def("hopfield_energy",
        [](const Couplings& W, py::array_t<int8_t, py::array::c_style | py::array::forcecast> s) {
          if (s.ndim() != 1 || s.shape(0) != W.rows()) throw std::invalid_argument("state has the wrong length");
          return hopfield_energy(W, s.data());
        },
        py::arg("W"), py::arg("state"));
  m.def("hopfield_recall",
        [](const Couplings& W, py::array_t<int8_t, py::array::c_style | py::array::forcecast> s,
           bool synchronous, double temperature, int max_sweeps, uint64_t seed, uint32_t stream) {
          if (W.rows() != W.cols()) throw std::invalid_argument("couplings must be square");
          if (s.ndim() != 1 || s.shape(0) != W.rows()) throw std::invalid_argument("state has the wrong length");
          if (!(temperature >= 0)) throw std::invalid_argument("temperature must be >= 0");
          RecallResult r;
          {
            py::gil_scoped_release release;
            r = hopfield_recall(W, s.data(), synchronous, temperature, max_sweeps, seed, stream);
          }
          py::dict d;
          d["state"] = to_array(r.state, {py::ssize_t(r.state.size())});
          d["sweeps"] = r.sweeps;
          d["converged"] = r.converged;
          return d;
        },
        py::arg("W"), py::arg("state"), py::arg("synchronous") = false,
        py::arg("temperature") = 0.0, py::arg("max_sweeps") = 1000, py::arg("seed") = 0,
        py::arg("stream") = 0);
  m.def("modern_hopfield_update",
        [](const PatternMatrix& patterns, py::array_t<int8_t, py::array::c_style | py::array::forcecast> s,
           double beta, int steps) {
          if (s.ndim() != 1 || s.shape(0) != patterns.cols()) throw std::invalid_argument("state has the wrong length");
          const auto out = modern_hopfield_update(patterns, s.data(), beta, steps);
          return to_array(out, {py::ssize_t(out.size())});
        },
        py::arg("patterns"), py::arg("state"), py::arg("beta") = 1.0, py::arg("steps") = 1);
  m.def("hopfield_capacity",
        [](int n_neurons, const std::vector<double>& loads, int trials, int probes, double corrupt,
           const std::string& rule, uint64_t seed, int threads, int resamples, double level) {
          const HopfieldRule r = parse_hopfield_rule(rule);
          std::vector<CapacityPoint> curve;
          Threshold th, half;
          {
            py::gil_scoped_release release;
            curve = hopfield_capacity(n_neurons, loads, trials, probes, corrupt, r, seed, threads);
            th = capacity_threshold(curve, level, resamples, seed);
            half = capacity_threshold(curve, -1.0, resamples, seed);
          }
          py::dict d;
          std::vector<double> load, ov, err, hit;
          for (const auto& pt : curve) {
            load.push_back(pt.load);
            ov.push_back(pt.overlap);
            err.push_back(pt.overlap_err);
            hit.push_back(pt.retrieved);
          }
          d["loads"] = load;
          d["overlap"] = ov;
          d["overlap_err"] = err;
          d["retrieved"] = hit;
          d["alpha_c"] = th.value;
          d["alpha_c_err"] = th.error;
          d["alpha_half"] = half.value;
          d["alpha_half_err"] = half.error;
          return d;
        },
        py::arg("n_neurons"), py::arg("loads"), py::arg("trials") = 10, py::arg("probes") = 10,
        py::arg("corrupt") = 0.0, py::arg("rule") = "hebbian", py::arg("seed") = 0,
        py::arg("threads") = 1, py::arg("resamples") = 200, py::arg("level") = 0.967);

  m.def("rbm_train",
        [](const Eigen::MatrixXd& data, int hidden, int cd_k, int epochs, int batch_size,
           bool persistent, double lr, double momentum, double l2, uint64_t seed, int threads,
           bool plus_minus) {
          RbmTraining opt;
          opt.hidden = hidden; opt.cd_k = cd_k; opt.epochs = epochs; opt.batch_size = batch_size;
          opt.persistent = persistent; opt.learning_rate = lr; opt.momentum = momentum;
          opt.l2 = l2; opt.seed = seed; opt.threads = threads;
          Rbm r;
          {
            py::gil_scoped_release release;
            r = train_rbm(data, opt, plus_minus);
          }
          py::dict d;
          d["W"] = r.W;
          d["b_visible"] = r.b;
          d["b_hidden"] = r.c;
          return d;
        },
        py::arg("data"), py::arg("hidden") = 64, py::arg("cd_k") = 1, py::arg("epochs") = 10,
        py::arg("batch_size") = 10, py::arg("persistent") = false, py::arg("lr") = 0.05,
        py::arg("momentum") = 0.5, py::arg("l2") = 0.0, py::arg("seed") = 0,
        py::arg("threads") = 1, py::arg("plus_minus") = false,
        "Train a binary RBM by CD-k or persistent CD: {'W', 'b_visible', 'b_hidden'}.");
  m.def("rbm_free_energy",
        [](const Eigen::MatrixXd& W, const Eigen::VectorXd& b, const Eigen::VectorXd& c,
           const Eigen::MatrixXd& V, bool plus_minus) {
          return free_energy(make_rbm(W, b, c, plus_minus), V);
        },
        py::arg("W"), py::arg("b_visible"), py::arg("b_hidden"), py::arg("V"),
        py::arg("plus_minus") = false);
  m.def("rbm_log_partition",
        [](const Eigen::MatrixXd& W, const Eigen::VectorXd& b, const Eigen::VectorXd& c,
           bool plus_minus, const std::string& method, int runs, int betas, uint64_t seed,
           int threads) {
          const Rbm r = make_rbm(W, b, c, plus_minus);
          py::gil_scoped_release release;
          if (method == "exact") return std::make_pair(exact_log_partition(r), 0.0);
          if (method != "ais") throw std::invalid_argument("method must be exact or ais");
          const LogEstimate e = ais_log_partition(r, runs, betas, seed, threads);
          return std::make_pair(e.value, e.error);
        },
        py::arg("W"), py::arg("b_visible"), py::arg("b_hidden"), py::arg("plus_minus") = false,
        py::arg("method") = "exact", py::arg("runs") = 100, py::arg("betas") = 1000,
        py::arg("seed") = 0, py::arg("threads") = 1,
        "(log Z, error): exact enumeration of the smaller layer, or annealed importance sampling.");
  m.def("rbm_pseudo_log_likelihood",
        [](const Eigen::MatrixXd& W, const Eigen::VectorXd& b, const Eigen::VectorXd& c,
           const Eigen::MatrixXd& V, bool plus_minus, uint64_t seed) {
          return pseudo_log_likelihood(make_rbm(W, b, c, plus_minus), V, seed);
        },
        py::arg("W"), py::arg("b_visible"), py::arg("b_hidden"), py::arg("V"),
        py::arg("plus_minus") = false, py::arg("seed") = 0);
  m.def("rbm_sample",
        [](const Eigen::MatrixXd& W, const Eigen::VectorXd& b, const Eigen::VectorXd& c,
           bool plus_minus, int n, int steps, uint64_t seed, int threads) {
          const Rbm r = make_rbm(W, b, c, plus_minus);
          py::gil_scoped_release release;
          return sample_rbm(r, n, steps, seed, threads);
        },
        py::arg("W"), py::arg("b_visible"), py::arg("b_hidden"), py::arg("plus_minus") = false,
        py::arg("n") = 100, py::arg("steps") = 1000, py::arg("seed") = 0, py::arg("threads") = 1,
        "Visible samples (n, visible) after `steps` Gibbs steps from random starts.");

  m.def("configuration_observables",
        [](const std::string& model, const std::string& lattice, int L, double J, double h, int q,
           py::array_t<int8_t, py::array::c_style | py::array::forcecast> configs) {
          const Lattice lat(lattice, L);
          const Model mod = make_model(model, J, h, q);
          if (configs.ndim() != 2 || configs.shape(1) != lat.n_sites())
            throw std::invalid_argument("configurations must be (n, n_sites)");
          const int8_t* data = configs.data();
          const py::ssize_t n = configs.shape(0);
          for (py::ssize_t k = 0; k < configs.size(); ++k) {
            const int v = data[k];
            if (mod.is_ising() ? (v != 1 && v != -1) : (v < 0 || v >= mod.q))
              throw std::invalid_argument("configuration values do not fit the model");
          }
          std::vector<double> e(n), m_(n);
          for (py::ssize_t r = 0; r < n; ++r) {
            e[r] = energy(lat, mod, data + r * lat.n_sites()) / lat.n_sites();
            m_[r] = magnetization(lat, mod, data + r * lat.n_sites());
          }
          return std::make_pair(to_array(e, {n}), to_array(m_, {n}));
        },
        py::arg("model"), py::arg("lattice"), py::arg("L"), py::arg("J"), py::arg("h"), py::arg("q"),
        py::arg("configs"), "(e, m) per site of each configuration, as the Monte Carlo measures them.");

  bind_registry(m);
  bind_lattice(m);
  bind_autodiff(m);
  bind_quantum(m);
  bind_vmc(m);
}
