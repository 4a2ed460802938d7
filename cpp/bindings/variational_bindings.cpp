// Python bindings of autoregressive networks and variational free energies.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "autodiff/ops.hpp"
#include "autoregressive/made.hpp"
#include "autoregressive/made_proposal.hpp"
#include "bindings/bindings.hpp"
#include "bindings/numpy_arrays.hpp"
#include "mc/kaufman.hpp"
#include "variational/bethe.hpp"
#include "variational/classical_system.hpp"
#include "variational/mean_field.hpp"
#include "variational/van.hpp"

namespace py = pybind11;
using namespace pybind11::literals;
using physml::autodiff::Matrix;
using physml::autoregressive::Made;
using physml::autoregressive::MadeProposal;
using physml::GlobalProposal;
using physml::bindings::Int8Array;
using namespace physml::variational;

namespace {

Matrix<double> spins_from(const Int8Array& a, long n) {
  if (a.ndim() != 2 || a.shape(1) != n)
    throw std::invalid_argument("configurations must be a 2-D array with one column per site");
  Matrix<double> s(a.shape(0), n);
  for (py::ssize_t r = 0; r < a.shape(0); ++r)
    for (long i = 0; i < n; ++i) s(r, i) = double(*a.data(r, i));
  return s;
}

py::array_t<int8_t> spins_to(const Matrix<double>& s) {
  py::array_t<int8_t> a({py::ssize_t(s.rows()), py::ssize_t(s.cols())});
  auto v = a.mutable_unchecked<2>();
  for (long r = 0; r < s.rows(); ++r)
    for (long i = 0; i < s.cols(); ++i) v(r, i) = int8_t(s(r, i));
  return a;
}

py::dict estimate_dict(const VanEstimate& e) {
  return py::dict("F"_a = e.F, "F_err"_a = e.F_err, "E"_a = e.E, "E_err"_a = e.E_err, "S"_a = e.S,
                  "m_abs"_a = e.m_abs, "m_abs_err"_a = e.m_abs_err, "C"_a = e.C, "F_is"_a = e.F_is,
                  "F_is_err"_a = e.F_is_err, "E_is"_a = e.E_is, "E_is_err"_a = e.E_is_err, "C_is"_a = e.C_is,
                  "ess"_a = e.ess, "samples"_a = e.samples);
}

}  // namespace

void bind_variational(py::module_& m) {
  py::class_<Made>(m, "Made", py::module_local())
      .def(py::init([](int n_sites, int depth, int width, const std::string& activation, uint64_t seed) {
             return Made(n_sites, depth, width, physml::autodiff::parse_activation(activation), seed);
           }),
           py::arg("n_sites"), py::arg("depth") = 2, py::arg("width") = 2, py::arg("activation") = "tanh",
           py::arg("seed") = 0)
      .def_property_readonly("n_params", &Made::n_params)
      .def_property_readonly("n_sites", &Made::n_sites)
      .def_property("parameters", &Made::parameters, &Made::set_parameters)
      .def("set_sector", &Made::set_sector, py::arg("n_up"),
           "Restrict q to the configurations with n_up spins up (-1: all).")
      .def_property_readonly("sector", &Made::sector)
      .def("sample",
           [](const Made& net, long rows, uint64_t seed, uint64_t step, int threads) {
             Matrix<double> s;
             Eigen::VectorXd lq;
             {
               py::gil_scoped_release release;
               net.sample(rows, seed, step, engine_threads(threads), s, lq);
             }
             return py::make_tuple(spins_to(s), lq);
           },
           py::arg("rows"), py::arg("seed") = 0, py::arg("step") = 0, py::arg("threads") = 1,
           "Exact samples (rows of +-1) and their log q.")
      .def("log_prob",
           [](const Made& net, const Int8Array& a, int threads) {
             return net.log_prob(spins_from(a, net.n_sites()), engine_threads(threads));
           },
           py::arg("configs"), py::arg("threads") = 1)
      .def("logits",
           [](const Made& net, const Int8Array& a) { return net.logits(spins_from(a, net.n_sites()), 1); },
           py::arg("configs"), "The conditionals' logits z_i (q(s_i = +1 | s_<i) = sigmoid z_i).")
      .def("weighted_gradient",
           [](Made& net, const Int8Array& a, const std::vector<double>& w, int threads) {
             Eigen::VectorXd lq;
             Eigen::VectorXd g = net.weighted_gradient(spins_from(a, net.n_sites()), w, engine_threads(threads), lq);
             return py::make_tuple(g, lq);
           },
           py::arg("configs"), py::arg("weights"), py::arg("threads") = 1,
           "d/dp sum_r w_r log q(s_r) and log q of each row.");

  py::class_<MadeProposal, GlobalProposal, std::shared_ptr<MadeProposal>>(m, "MadeProposal", py::module_local())
      .def(py::init<std::vector<double>, std::vector<Made>, bool>(), py::arg("betas"), py::arg("networks"),
           py::arg("z2") = false,
           "Trained networks (networks[k] at betas[k]) proposing for --algorithm neural: the one "
           "trained nearest a chain's beta proposes; z2: the mixture (q(s) + q(-s)) / 2.")
      .def("nearest", &MadeProposal::nearest, py::arg("beta"), "Index of the network proposing at beta.")
      .def("draw",
           [](const MadeProposal& p, double beta, uint64_t seed, uint64_t first, long rows) {
             std::vector<int8_t> spins;
             p.draw(beta, seed, first, rows, spins);
             return physml::bindings::to_array(spins, {py::ssize_t(rows), py::ssize_t(p.n_sites())});
           },
           py::arg("beta"), py::arg("seed"), py::arg("first"), py::arg("rows"),
           "Proposals: row k from the stream (seed, first + k).")
      .def("log_q",
           [](const MadeProposal& p, double beta, const Int8Array& a) {
             if (a.ndim() != 2 || a.shape(1) != p.n_sites())
               throw std::invalid_argument("configurations do not match the proposal's sites");
             return p.log_q(beta, a.data(), long(a.shape(0)));
           },
           py::arg("beta"), py::arg("configs"));

  py::class_<ClassicalSystem>(m, "ClassicalSystem", py::module_local())
      .def_static("ising", &ClassicalSystem::ising, py::arg("lattice"), py::arg("L"), py::arg("open") = false,
                  py::arg("J") = 1.0, py::arg("h") = 0.0)
      .def_static("sherrington_kirkpatrick", &ClassicalSystem::sherrington_kirkpatrick, py::arg("n"),
                  py::arg("couplings_seed") = 0, py::arg("h") = 0.0)
      .def_property_readonly("n_sites", &ClassicalSystem::n_sites)
      .def_property_readonly("couplings",
                             [](const ClassicalSystem& s) {
                               std::vector<std::tuple<int, int, double>> out;
                               for (const auto& c : s.couplings()) out.emplace_back(c.i, c.j, c.J);
                               return out;
                             })
      .def("energies", [](const ClassicalSystem& s, const Int8Array& a) { return s.energies(spins_from(a, s.n_sites())); },
           py::arg("configs"))
      .def("enumerate",
           [](const ClassicalSystem& s, double T) {
             ExactFreeEnergy x;
             {
               py::gil_scoped_release release;
               x = enumerate_free_energy(s, T);
             }
             return py::dict("f"_a = x.f, "e"_a = x.e, "c"_a = x.c);
           },
           py::arg("T"), "Exact f, e, c per site by visiting all 2^N configurations.")
      .def("mean_field",
           [](const ClassicalSystem& s, double T) {
             const MeanField x = mean_field(s, T);
             return py::dict("F"_a = x.F, "m"_a = x.m, "E"_a = x.E, "S"_a = x.S);
           },
           py::arg("T"))
      .def_property_readonly("mean_field_tc", &mean_field_critical_temperature)
      .def("bethe",
           [](const ClassicalSystem& s, double T) {
             const Bethe x = bethe(s, T);
             return py::dict("F"_a = x.F, "m"_a = x.m, "E"_a = x.E, "S"_a = x.S);
           },
           py::arg("T"))
      .def_property_readonly("coordination", &ClassicalSystem::coordination);

  py::class_<VanTrainer>(m, "VanTrainer", py::module_local())
      .def(py::init([](const ClassicalSystem& system, const Made& net, double beta, long batch, double lr, double clip,
                       double anneal, bool z2, int threads, uint64_t seed) {
             VanSettings s;
             s.beta = beta;
             s.batch = batch;
             s.lr = lr;
             s.clip = clip;
             s.anneal = anneal;
             s.z2 = z2;
             s.threads = engine_threads(threads);
             s.seed = seed;
             return VanTrainer(system, net, s);
           }),
           py::arg("system"), py::arg("network"), py::arg("beta"), py::arg("batch") = 1000, py::arg("lr") = 1e-3,
           py::arg("clip") = 0.0, py::arg("anneal") = 0.0, py::arg("z2") = false, py::arg("threads") = 1,
           py::arg("seed") = 0)
      .def("step",
           [](VanTrainer& v) {
             VanStep st;
             {
               py::gil_scoped_release release;
               st = v.step();
             }
             return py::dict("beta"_a = st.beta, "F"_a = st.free_energy, "F_err"_a = st.free_energy_err,
                             "E"_a = st.energy, "S"_a = st.entropy, "gradient_norm"_a = st.gradient_norm);
           },
           "One REINFORCE step; the batch's statistics per site (before the update).")
      .def("gradient", &VanTrainer::gradient, py::arg("step"), py::arg("beta"),
           "The REINFORCE estimate of grad beta F_q from the batch of step `step`.")
      .def("estimate",
           [](const VanTrainer& v, long samples) {
             VanEstimate e;
             {
               py::gil_scoped_release release;
               e = v.estimate(samples);
             }
             return estimate_dict(e);
           },
           py::arg("samples"))
      .def("sample",
           [](const VanTrainer& v, long rows, uint64_t step) {
             Matrix<double> s;
             Eigen::VectorXd lq;
             v.sample(rows, step, s, lq);
             return py::make_tuple(spins_to(s), lq);
           },
           py::arg("rows"), py::arg("step") = 0)
      .def_property("iteration", &VanTrainer::iteration, &VanTrainer::set_iteration)
      .def_property(
          "parameters", [](const VanTrainer& v) { return v.network().parameters(); },
          [](VanTrainer& v, const Eigen::VectorXd& p) { v.network().set_parameters(p); })
      .def_property(
          "optimizer_state", [](VanTrainer& v) { return v.optimizer_state(); },
          [](VanTrainer& v, const physml::autodiff::OptimizerState<double>& s) { v.optimizer_state() = s; });

  m.def("kaufman",
        [](int L, double J, double T) {
          const physml::KaufmanThermo k = physml::kaufman_thermo(L, L, J, T);
          return py::dict("f"_a = k.f, "e"_a = k.e);
        },
        py::arg("L"), py::arg("J"), py::arg("T"),
        "Exact free energy and energy per site of the periodic L x L Ising model at zero field.");
}
