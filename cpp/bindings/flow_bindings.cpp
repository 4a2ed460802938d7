// Python face of the normalizing flows. A flow crosses the boundary as its shape (dim,
// layers, hidden widths, coupling, activation), its standardisation and its parameter arrays.
#include <pybind11/eigen.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "flows/training.hpp"
#include "registry/registry.hpp"

namespace py = pybind11;
using namespace pybind11::literals;
using namespace physml;

namespace {

flows::FlowShape shape_of(int dim, int layers, const std::vector<int>& hidden,
                          const std::string& coupling, const std::string& activation) {
  flows::FlowShape s;
  s.dim = dim;
  s.layers = layers;
  s.hidden = hidden;
  s.coupling = flows::parse_coupling(coupling);
  autodiff::parse_activation(activation);  // refuses an unknown name here, in one line
  s.activation = activation;
  return s;
}

flows::RealNVP flow_of(const py::dict& f) {
  flows::RealNVP flow(shape_of(f["dim"].cast<int>(), f["layers"].cast<int>(),
                               f["hidden"].cast<std::vector<int>>(), f["coupling"].cast<std::string>(),
                               f["activation"].cast<std::string>()),
                      f["shift"].cast<flows::Row>(), f["spread"].cast<flows::Row>());
  flow.set_parameters(f["params"].cast<std::vector<flows::Matrix>>());
  return flow;
}

}  // namespace

void bind_flows(py::module_& m) {
  py::class_<flows::FlowTrainer>(m, "FlowTrainer", py::module_local(),
                                 "Maximum-likelihood training of a coupling flow on rows of data.")
      .def(py::init([](const flows::Matrix& X, int layers, const std::vector<int>& hidden,
                       const std::string& coupling, const std::string& activation, double lr,
                       int batch_size, uint64_t seed, int threads) {
             flows::FlowTraining s;
             s.lr = lr;
             s.batch_size = batch_size;
             s.seed = seed;
             s.threads = engine_threads(threads);
             return flows::FlowTrainer(shape_of(int(X.cols()), layers, hidden, coupling, activation), X, s);
           }),
           py::arg("X"), py::arg("layers") = 8, py::arg("hidden") = std::vector<int>{64, 64},
           py::arg("coupling") = "affine", py::arg("activation") = "tanh", py::arg("lr") = 1e-3,
           py::arg("batch_size") = 256, py::arg("seed") = 0, py::arg("threads") = 1)
      .def("epoch",
           [](flows::FlowTrainer& t) {
             py::gil_scoped_release release;
             return t.epoch();
           },
           "One pass over the data: the mean NLL of its batches.")
      .def("flow", [](const flows::FlowTrainer& t) {
        const auto& f = t.flow();
        const std::string coupling = registry::Registry<flows::Coupling>::instance().name_of(f.shape().coupling);
        return py::dict("dim"_a = f.shape().dim, "layers"_a = f.shape().layers,
                        "hidden"_a = f.shape().hidden, "coupling"_a = coupling,
                        "activation"_a = f.shape().activation,
                        "shift"_a = flows::Row(f.shift()), "spread"_a = flows::Row(f.spread()),
                        "params"_a = f.parameters());
      }, "The trained flow: {'dim', 'layers', 'hidden', 'coupling', 'activation', 'shift', "
         "'spread', 'params'}, what flow_log_prob and flow_sample take.");
  m.def("flow_log_prob",
        [](const py::dict& f, const flows::Matrix& X, int threads) {
          const flows::RealNVP flow = flow_of(f);
          const int n = engine_threads(threads);
          py::gil_scoped_release release;
          return Eigen::VectorXd(flow.log_prob(X, n));
        },
        py::arg("flow"), py::arg("X"), py::arg("threads") = 1, "ln q of each row of X.");
  m.def("flow_sample",
        [](const py::dict& f, int n, uint64_t seed, int threads) {
          const flows::RealNVP flow = flow_of(f);
          const int t = engine_threads(threads);
          Eigen::VectorXd log_q;
          flows::Matrix X;
          {
            py::gil_scoped_release release;
            X = flow.sample(n, seed, log_q, t);
          }
          return py::make_tuple(X, log_q);
        },
        py::arg("flow"), py::arg("n"), py::arg("seed") = 0, py::arg("threads") = 1,
        "(X, ln q): n samples of the flow and their log-density.");
  m.def("flow_to_base",
        [](const py::dict& f, const flows::Matrix& X, int threads) {
          const flows::RealNVP flow = flow_of(f);
          Eigen::VectorXd log_det;
          flows::Matrix Z = flow.to_base(X, log_det, engine_threads(threads));
          return py::make_tuple(Z, log_det);
        },
        py::arg("flow"), py::arg("X"), py::arg("threads") = 1,
        "(Z, ln|det dz/dx|): the rows mapped to the base space.");
  m.def("flow_from_base",
        [](const py::dict& f, const flows::Matrix& Z, int threads) {
          const flows::RealNVP flow = flow_of(f);
          Eigen::VectorXd log_det;
          flows::Matrix X = flow.from_base(Z, log_det, engine_threads(threads));
          return py::make_tuple(X, log_det);
        },
        py::arg("flow"), py::arg("Z"), py::arg("threads") = 1,
        "(X, ln|det dz/dx| at X): base points mapped back to the data space.");
  m.def("flow_nll_gradient",
        [](const py::dict& f, const flows::Matrix& X, int threads) {
          flows::RealNVP flow = flow_of(f);
          const flows::Matrix U = flow.standardise(X);
          autodiff::Tape<double> t(engine_threads(threads));
          const auto params = flow.trainable_parameters();
          std::vector<autodiff::Var> vars;
          for (auto* p : params) vars.push_back(t.parameter(*p));
          const auto lq = flow.log_prob(t, t.constant(U), vars);
          const auto loss = autodiff::weighted_sum(t, lq, std::vector<double>(size_t(X.rows()), -1.0 / double(X.rows())));
          t.backward(loss);
          std::vector<flows::Matrix> grads;
          for (auto* p : params) grads.push_back(p->grad);
          return py::make_tuple(t.value(loss)(0, 0), grads);
        },
        py::arg("flow"), py::arg("X"), py::arg("threads") = 1,
        "(mean NLL of X, its gradient for every parameter array): what training descends.");
  m.def("flow_parameter_shapes",
        [](int dim, int layers, const std::vector<int>& hidden, const std::string& coupling,
           const std::string& activation) {
          flows::RealNVP flow(shape_of(dim, layers, hidden, coupling, activation),
                              flows::Row::Zero(dim), flows::Row::Ones(dim));
          std::vector<std::pair<long, long>> out;
          for (const auto& p : flow.parameters()) out.emplace_back(long(p.rows()), long(p.cols()));
          return out;
        },
        py::arg("dim"), py::arg("layers"), py::arg("hidden"), py::arg("coupling"),
        py::arg("activation"), "The shapes of a flow's parameter arrays, in order.");
}
