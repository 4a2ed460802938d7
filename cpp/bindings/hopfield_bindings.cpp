// Python face of the Hopfield networks.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "bindings/numpy_arrays.hpp"
#include "hopfield/hopfield.hpp"

namespace py = pybind11;
using namespace pybind11::literals;
using namespace physml;
using namespace physml::bindings;

namespace {

void check_state(const Int8Array& s, Eigen::Index n) {
  if (s.ndim() != 1 || s.shape(0) != n) throw std::invalid_argument("state has the wrong length");
}

// The capacity curve as columns, one entry per load.
py::dict capacity_dict(const std::vector<CapacityPoint>& curve, const Threshold& th, const Threshold& half) {
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
}

}  // namespace

void bind_hopfield(py::module_& m) {
  m.def("hopfield_learn",
        [](const PatternMatrix& patterns, const std::string& rule) {
          const HopfieldRule r = parse_hopfield_rule(rule);
          py::gil_scoped_release release;
          return hopfield_learn(patterns, r);
        },
        py::arg("patterns"), py::arg("rule") = "hebbian",
        "Couplings (N, N) from +-1 patterns (P, N): hebbian, pseudoinverse or storkey.");
  m.def("hopfield_energy",
        [](const Couplings& W, Int8Array s) {
          check_state(s, W.rows());
          return hopfield_energy(W, s.data());
        },
        py::arg("W"), py::arg("state"));
  m.def("hopfield_recall",
        [](const Couplings& W, Int8Array s, bool synchronous, double temperature, int max_sweeps,
           uint64_t seed, uint32_t stream) {
          if (W.rows() != W.cols()) throw std::invalid_argument("couplings must be square");
          check_state(s, W.rows());
          if (!(temperature >= 0)) throw std::invalid_argument("temperature must be >= 0");
          RecallResult r;
          {
            py::gil_scoped_release release;
            r = hopfield_recall(W, s.data(), synchronous, temperature, max_sweeps, seed, stream);
          }
          py::dict d("state"_a = to_array(r.state), "sweeps"_a = r.sweeps, "converged"_a = r.converged);
          return d;
        },
        py::arg("W"), py::arg("state"), py::arg("synchronous") = false,
        py::arg("temperature") = 0.0, py::arg("max_sweeps") = 1000, py::arg("seed") = 0,
        py::arg("stream") = 0);
  m.def("modern_hopfield_update",
        [](const PatternMatrix& patterns, Int8Array s, double beta, int steps) {
          check_state(s, patterns.cols());
          return to_array(modern_hopfield_update(patterns, s.data(), beta, steps));
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
            curve = hopfield_capacity(n_neurons, loads, trials, probes, corrupt, r, seed, engine_threads(threads));
            th = capacity_threshold(curve, level, resamples, seed);
            half = capacity_threshold(curve, -1.0, resamples, seed);
          }
          return capacity_dict(curve, th, half);
        },
        py::arg("n_neurons"), py::arg("loads"), py::arg("trials") = 10, py::arg("probes") = 10,
        py::arg("corrupt") = 0.0, py::arg("rule") = "hebbian", py::arg("seed") = 0,
        py::arg("threads") = 1, py::arg("resamples") = 200, py::arg("level") = 0.967);
}
