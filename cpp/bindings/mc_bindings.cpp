// Python face of classical Monte Carlo: the sampler, its error analysis, exact
// enumeration and the observables of stored configurations.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <type_traits>

#include "bindings/bindings.hpp"
#include "bindings/numpy_arrays.hpp"
#include "mc/configuration_observables.hpp"
#include "mc/enumeration.hpp"
#include "mc/simulation.hpp"
#include "mc/statistics.hpp"
#include "mc/update_rule.hpp"

namespace py = pybind11;
using namespace physml;
using namespace physml::bindings;

namespace {

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

// A checkpoint holds every field as a flat array; the scalar best_energy as one entry.
py::dict state_dict(const SimulationState& s) {
  py::dict d;
  for_each_field(s, [&](const char* name, const auto& field) {
    if constexpr (std::is_same_v<std::decay_t<decltype(field)>, double>)
      d[name] = to_array(std::vector<double>{field}, {1});
    else
      d[name] = to_array(field);
  });
  return d;
}

SimulationState state_from_dict(const py::dict& d) {
  SimulationState s;
  for_each_field(s, [&](const char* name, auto& field) {
    using Field = std::decay_t<decltype(field)>;
    if constexpr (std::is_same_v<Field, double>) {
      const auto one = from_array<double>(d, name);
      if (one.size() != 1) throw std::invalid_argument(std::string("checkpoint state: bad ") + name);
      field = one[0];
    } else {
      field = from_array<typename Field::value_type>(d, name);
    }
  });
  return s;
}

py::dict measure_dict(const MeasureBlock& b) {
  py::dict d;
  d["e"] = to_array(b.e, {b.n_temps, b.n_meas});
  d["m"] = to_array(b.m, {b.n_temps, b.n_meas});
  if (!b.ms.empty()) d["ms"] = to_array(b.ms, {b.n_temps, b.n_meas});
  d["configs"] = to_array(b.configs, {b.n_temps, b.n_snap, b.n_sites});
  return d;
}

void bind_ergodicity(py::module_& m) {
  m.def("update_rule_ergodicity",
        [](const std::string& algorithm, const std::string& model, const std::string& lattice, int L,
           double J, double h, int q) {
          if (L < 1) throw std::invalid_argument("the lattice size must be >= 1");
          return ergodicity_problem(algorithm, make_model(model, J, h, q), Lattice(lattice, L));
        },
        py::arg("algorithm"), py::arg("model"), py::arg("lattice"), py::arg("L"), py::arg("J") = 1.0,
        py::arg("h") = 0.0, py::arg("q") = 2,
        "Why the update rule would not be ergodic for this model on the periodic lattice, or '' "
        "(Simulation builds it anyway; physml simulate refuses it).");
}

void bind_simulation(py::module_& m) {
  py::class_<GlobalProposal, std::shared_ptr<GlobalProposal>>(
      m, "GlobalProposal", py::module_local(),
      "A distribution over whole configurations that proposes for --algorithm neural.")
      .def_property_readonly("n_sites", &GlobalProposal::n_sites);
  py::class_<Simulation>(m, "Simulation", py::module_local())
      .def(py::init([](const std::string& model, const std::string& lattice, int L, double J,
                       double h, int q, const std::string& algorithm,
                       const std::vector<double>& temperatures, uint64_t seed,
                       bool parallel_tempering, int threads, const std::string& init,
                       bool track_minimum, bool fast_kernel, const std::vector<uint32_t>& replica_ids,
                       std::shared_ptr<GlobalProposal> proposal, const std::string& companion) {
             SimulationSpec s;
             s.model = model; s.lattice = lattice; s.L = L; s.J = J; s.h = h; s.q = q;
             s.algorithm = algorithm; s.temperatures = temperatures; s.seed = seed;
             s.parallel_tempering = parallel_tempering; s.threads = engine_threads(threads); s.init = init;
             s.track_minimum = track_minimum; s.fast_kernel = fast_kernel;
             s.replica_ids = replica_ids;
             s.proposal = std::move(proposal);
             s.companion = companion;
             return std::make_unique<Simulation>(s);
           }),
           py::arg("model"), py::arg("lattice"), py::arg("L"), py::arg("J") = 1.0,
           py::arg("h") = 0.0, py::arg("q") = 2, py::arg("algorithm") = "metropolis",
           py::arg("temperatures") = std::vector<double>{1.0}, py::arg("seed") = 0,
           py::arg("parallel_tempering") = false, py::arg("threads") = 1,
           py::arg("init") = "random", py::arg("track_minimum") = false,
           py::arg("fast_kernel") = true, py::arg("replica_ids") = std::vector<uint32_t>{},
           py::arg("proposal") = nullptr, py::arg("companion") = "")
      .def("thermalize", &Simulation::thermalize, py::arg("sweeps"),
           py::call_guard<py::gil_scoped_release>())
      .def("measure",
           [](Simulation& sim, int64_t sweeps, int measure_every, int64_t snapshot_every) {
             MeasureBlock b;
             {
               py::gil_scoped_release release;
               b = sim.measure(sweeps, measure_every, snapshot_every);
             }
             return measure_dict(b);
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
      .def_property_readonly("proposal_acceptance", &Simulation::proposal_acceptance)
      .def_property_readonly("clusters_per_sweep", &Simulation::clusters_per_sweep)
      .def_property_readonly("mean_cluster_size", &Simulation::mean_cluster_size)
      .def_property_readonly("best_energy", &Simulation::best_energy)
      .def_property_readonly("best_config", [](const Simulation& s) { return to_array(s.best_config()); })
      .def("get_state", [](Simulation& sim) { return state_dict(sim.state()); })
      .def("set_state", [](Simulation& sim, const py::dict& d) { sim.restore(state_from_dict(d)); });
}

}  // namespace

void bind_mc(py::module_& m) {
  bind_simulation(m);
  bind_ergodicity(m);

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
          d["f"] = to_array(x.f, {n});
          return d;
        },
        py::arg("model"), py::arg("lattice"), py::arg("L"), py::arg("J") = 1.0, py::arg("h") = 0.0,
        py::arg("q") = 2, py::arg("temperatures") = std::vector<double>{1.0});
  m.def("configuration_observables",
        [](const std::string& model, const std::string& lattice, int L, double J, double h, int q,
           Int8Array configs) {
          const Lattice lat(lattice, L);
          const Model mod = make_model(model, J, h, q);
          if (configs.ndim() != 2 || configs.shape(1) != lat.n_sites())
            throw std::invalid_argument("configurations must be (n, n_sites)");
          const py::ssize_t n = configs.shape(0);
          const ConfigurationObservables o = configuration_observables(lat, mod, configs.data(), n);
          return std::make_pair(to_array(o.e, {n}), to_array(o.m, {n}));
        },
        py::arg("model"), py::arg("lattice"), py::arg("L"), py::arg("J"), py::arg("h"), py::arg("q"),
        py::arg("configs"), "(e, m) per site of each configuration, as the Monte Carlo measures them.");
}
