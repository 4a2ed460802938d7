// Python bindings of tensor renormalization (cpp/renormalization/) and Onsager's reference.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "mc/model.hpp"
#include "mc/onsager.hpp"
#include "renormalization/free_energy.hpp"

namespace py = pybind11;
using namespace pybind11::literals;
using namespace physml::renormalization;

namespace {

py::dict steps_dict(const FreeEnergy& x) {
  std::vector<double> log_norm, log_z, discarded, smallest;
  std::vector<int> kept;
  for (const StepRecord& r : x.steps) {
    log_norm.push_back(r.log_norm);
    log_z.push_back(r.log_z);
    discarded.push_back(r.cut.discarded_weight);
    kept.push_back(r.cut.kept);
    smallest.push_back(r.cut.spectrum.empty() ? 0.0 : r.cut.spectrum.back());
  }
  return py::dict("log_norm"_a = py::array(py::cast(log_norm)), "log_z"_a = py::array(py::cast(log_z)),
                  "discarded_weight"_a = py::array(py::cast(discarded)), "kept"_a = py::array(py::cast(kept)),
                  "smallest_kept"_a = py::array(py::cast(smallest)),
                  "spectrum"_a = py::array(py::cast(x.steps.empty() ? std::vector<double>{} : x.steps.back().cut.spectrum)));
}

}  // namespace

void bind_renormalization(py::module_& m) {
  m.def("renormalize",
        [](const std::string& method, const std::string& model, double T, double J, double h, int q, int bond_dim,
           int size, double tol, int max_steps, int threads, bool derivatives) {
          const physml::Model spins = physml::make_model(model, J, h, q);
          SquareModel sq;
          sq.kind = spins.kind == physml::ModelKind::Ising ? SpinKind::Ising : SpinKind::Potts;
          sq.J = J;
          sq.h = h;
          sq.q = spins.q;
          Settings s;
          s.method = method;
          s.bond_dim = bond_dim;
          s.size = size;
          s.tol = tol;
          s.max_steps = max_steps;
          s.threads = engine_threads(threads);
          Thermodynamics x;
          {
            py::gil_scoped_release release;
            x = thermodynamics(sq, T, s, derivatives);
          }
          py::dict out("f"_a = x.at.f, "log_z"_a = x.at.log_z, "e"_a = x.e, "c"_a = x.c, "dbeta"_a = x.dbeta,
                       "converged"_a = x.at.converged, "n_steps"_a = int(x.at.steps.size()));
          out["steps"] = steps_dict(x.at);
          return out;
        },
        py::arg("method"), py::arg("model"), py::arg("T"), py::arg("J") = 1.0, py::arg("h") = 0.0, py::arg("q") = 2,
        py::arg("bond_dim") = 32, py::arg("size") = 0, py::arg("tol") = 1e-12, py::arg("max_steps") = 200,
        py::arg("threads") = 1, py::arg("derivatives") = true,
        "Free energy per site by coarse graining (method trg or hotrg) on the infinite square lattice (size 0) "
        "or the periodic size x size torus; e and c per site by central differences in beta (step dbeta).");
  m.def("onsager",
        [](double J, double T) {
          const physml::OnsagerThermo o = physml::onsager(J, T);
          return py::dict("f"_a = o.f, "e"_a = o.e);
        },
        py::arg("J"), py::arg("T"),
        "Onsager's exact free energy and energy per site of the infinite square Ising lattice at zero field.");
}
