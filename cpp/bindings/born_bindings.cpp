// Python face of the MPS Born machine and of the built-in datasets. A machine crosses the boundary as
// its list of site tensors [(A^0, A^1), ...]; Python stores them, the engine checks them.
#include <pybind11/eigen.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "born/training.hpp"
#include "datasets/bars_and_stripes.hpp"
#include "datasets/toy_densities.hpp"

namespace py = pybind11;
using namespace pybind11::literals;
using namespace physml;

namespace {

using Tensors = std::vector<std::pair<Eigen::MatrixXd, Eigen::MatrixXd>>;

born::BornMachine machine_from(const Tensors& t) {
  std::vector<born::SiteTensor> sites;
  for (const auto& [a0, a1] : t) sites.push_back({a0, a1});
  return born::BornMachine(std::move(sites));
}

Tensors tensors_of(const born::BornMachine& m) {
  Tensors t;
  for (const auto& s : m.sites()) t.emplace_back(s[0], s[1]);
  return t;
}

}  // namespace

void bind_born(py::module_& m) {
  py::class_<born::Trainer>(m, "BornTrainer", py::module_local(),
                            "Two-site sweeping training of an MPS Born machine on 0/1 data.")
      .def(py::init([](const born::Configurations& data, const Tensors& tensors, int threads) {
             born::BornMachine start = tensors.empty() ? born::BornMachine(int(data.cols()))
                                                       : machine_from(tensors);
             return born::Trainer(std::move(start), data, engine_threads(threads));
           }),
           py::arg("data"), py::arg("tensors") = Tensors{}, py::arg("threads") = 1,
           "Start from the given tensors, or from the uniform product state.")
      .def("sweep",
           [](born::Trainer& t, int bond_dim, double cutoff, double lr, int descent_steps) {
             born::TrainingSettings s;
             s.truncation = {bond_dim, cutoff};
             s.learning_rate = lr;
             s.descent_steps = descent_steps;
             born::SweepReport r;
             {
               py::gil_scoped_release release;
               r = t.sweep(s);
             }
             return py::dict("nll"_a = r.nll, "discarded_weight"_a = r.discarded_weight,
                             "largest_bond"_a = r.largest_bond, "rejected_steps"_a = r.rejected_steps);
           },
           py::arg("bond_dim"), py::arg("cutoff"), py::arg("lr"), py::arg("descent_steps"),
           "One sweep (left to right and back): {'nll', 'discarded_weight', 'largest_bond', "
           "'rejected_steps'}.")
      .def("tensors", [](const born::Trainer& t) { return tensors_of(t.machine()); });
  m.def("born_log_probabilities",
        [](const Tensors& tensors, const born::Configurations& v, int threads) {
          const born::BornMachine b = machine_from(tensors);
          const int n = engine_threads(threads);
          py::gil_scoped_release release;
          return Eigen::VectorXd(b.log_probabilities(v, n));
        },
        py::arg("tensors"), py::arg("configurations"), py::arg("threads") = 1,
        "ln p(v) of each 0/1 row.");
  m.def("born_log_norm", [](const Tensors& tensors) { return machine_from(tensors).log_norm(); },
        py::arg("tensors"), "ln Z of the unnormalised MPS.");
  m.def("born_sample",
        [](const Tensors& tensors, int n, uint64_t seed, int threads) {
          const born::BornMachine b = machine_from(tensors);
          const int t = engine_threads(threads);
          py::gil_scoped_release release;
          return born::Configurations(b.sample(n, seed, t));
        },
        py::arg("tensors"), py::arg("n"), py::arg("seed") = 0, py::arg("threads") = 1,
        "n exact, independent samples (0/1 rows).");
  m.def("bars_and_stripes", &datasets::bars_and_stripes, py::arg("rows"), py::arg("cols"),
        "Every bars-and-stripes pattern once, row-major 0/1 pixels.");
  m.def("toy_sample", &datasets::toy_sample, py::arg("name"), py::arg("n"), py::arg("seed") = 0,
        "n points (rows x, y) of a registered toy distribution.");
  m.def("toy_log_density", &datasets::toy_log_density, py::arg("name"), py::arg("X"),
        "ln p of a toy distribution at each row of X.");
}
