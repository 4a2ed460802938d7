// Python face of the restricted Boltzmann machines.
#include <pybind11/eigen.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "rbm/rbm.hpp"

namespace py = pybind11;
using namespace pybind11::literals;
using namespace physml;

void bind_rbm(py::module_& m) {
  m.def("rbm_train",
        [](const Eigen::MatrixXd& data, int hidden, int cd_k, int epochs, int batch_size,
           bool persistent, double lr, double momentum, double l2, uint64_t seed, int threads,
           bool plus_minus) {
          RbmTraining opt;
          opt.hidden = hidden; opt.cd_k = cd_k; opt.epochs = epochs; opt.batch_size = batch_size;
          opt.persistent = persistent; opt.learning_rate = lr; opt.momentum = momentum;
          opt.l2 = l2; opt.seed = seed; opt.threads = engine_threads(threads);
          Rbm r;
          {
            py::gil_scoped_release release;
            r = train_rbm(data, opt, plus_minus);
          }
          py::dict d("W"_a = r.W, "b_visible"_a = r.b, "b_hidden"_a = r.c);
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
          const LogEstimate e = log_partition(r, method, runs, betas, seed, engine_threads(threads));
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
          return sample_rbm(r, n, steps, seed, engine_threads(threads));
        },
        py::arg("W"), py::arg("b_visible"), py::arg("b_hidden"), py::arg("plus_minus") = false,
        py::arg("n") = 100, py::arg("steps") = 1000, py::arg("seed") = 0, py::arg("threads") = 1,
        "Visible samples (n, visible) after `steps` Gibbs steps from random starts.");
}
