// Python face of DMRG: a run object that sweeps when asked, so Python owns the schedule,
// progress, checkpoints and interruption between sweeps.
#include <pybind11/eigen.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "dmrg/dmrg.hpp"

namespace py = pybind11;
using namespace pybind11::literals;
using namespace physml;
using namespace physml::dmrg;

namespace {

MPO model_mpo(const std::string& name, const std::string& lattice, int L, double J, double h, double delta,
              double J2, bool open) {
  return spin_mpo(hamiltonian(name, lattice, L, J, h, delta, J2, open));
}

py::dict state_dict(const MPS& psi) {
  std::vector<std::vector<int>> charges, dims;
  for (const auto& b : psi.bonds) {
    charges.push_back(b.charges);
    dims.push_back(b.dims);
  }
  return py::dict("charges"_a = charges, "dims"_a = dims, "data"_a = mps_blocks(psi),
                  "conserved"_a = psi.charges.conserved);
}

}  // namespace

void bind_dmrg(py::module_& m) {
  py::class_<DMRG>(m, "DMRG", py::module_local(),
                   "Two-site DMRG of a registered spin Hamiltonian on a chain (or any lattice, sites in "
                   "index order), one sweep per call.")
      .def(py::init([](const std::string& name, const std::string& lattice, int L, double J, double h,
                       double delta, double J2, bool open, int n_up, int threads) {
             MPO W = model_mpo(name, lattice, L, J, h, delta, J2, open);
             const int n = W.n;
             const bool conserve = W.charges.conserved;
             if (conserve && (n_up < 0 || n_up > n))
               throw std::invalid_argument("up spins must be in [0, " + std::to_string(n) + "]");
             return DMRG(std::move(W), spread_product_state(n, conserve ? n_up : n, conserve), engine_threads(threads));
           }),
           py::arg("hamiltonian"), py::arg("lattice"), py::arg("L"), py::arg("J") = 1.0, py::arg("h") = 1.0,
           py::arg("delta") = 1.0, py::arg("J2") = 0.0, py::arg("open") = false, py::arg("n_up") = 0,
           py::arg("threads") = 1)
      .def("sweep",
           [](DMRG& d, int bond_dim, double cutoff, double mixer, double tol, int lanczos_steps) {
             if (bond_dim < 1) throw std::invalid_argument("bond dimension must be >= 1");
             if (lanczos_steps < 2) throw std::invalid_argument("lanczos steps must be >= 2");
             SweepSettings s;
             s.truncation.max_bond = bond_dim;
             s.truncation.cutoff = cutoff;
             s.mixer = mixer;
             s.lanczos_tol = tol;
             s.lanczos_steps = lanczos_steps;
             SweepReport r;
             {
               py::gil_scoped_release release;
               r = d.sweep(s);
             }
             return py::dict("energy"_a = r.energy, "discarded_weight"_a = r.discarded_weight,
                             "largest_bond"_a = r.largest_bond, "lanczos_steps"_a = r.lanczos_steps,
                             "lanczos_converged"_a = r.lanczos_converged);
           },
           py::arg("bond_dim"), py::arg("cutoff") = 1e-12, py::arg("mixer") = 0.0, py::arg("tol") = 1e-10,
           py::arg("lanczos_steps") = 40,
           "One sweep (left to right and back); returns energy, discarded_weight (largest cut), "
           "largest_bond, lanczos_steps, lanczos_converged.")
      .def("energy", [](const DMRG& d) { py::gil_scoped_release r; return d.energy(); }, "<psi|H|psi>.")
      .def("energy_squared", [](const DMRG& d) { py::gil_scoped_release r; return d.energy_squared(); },
           "<psi|H^2|psi> (the MPO of H^2).")
      .def("variance", [](const DMRG& d) { py::gil_scoped_release r; return d.variance(); },
           "<psi|(H - E)^2|psi> with E = <psi|H|psi>.")
      .def("schmidt_values", [](const DMRG& d) { py::gil_scoped_release r; return d.schmidt_values(); },
           "Schmidt values across bonds 1..n-1, descending.")
      .def("zz_correlations", [](const DMRG& d, int r) { py::gil_scoped_release g; return d.zz_correlations(r); },
           py::arg("reference"), "<sz_r sz_j> for j = r..n-1.")
      .def("sz", [](const DMRG& d) { py::gil_scoped_release r; return d.sz(); }, "<sz_j> per site.")
      .def("sx", [](const DMRG& d) { py::gil_scoped_release r; return d.sx(); }, "<sx_j> per site (0 where S^z is conserved).")
      .def("state", [](const DMRG& d) { return state_dict(d.state()); },
           "The MPS: bond charges and dims, per-site coefficients, whether S^z is conserved.")
      .def("set_state",
           [](DMRG& d, const std::vector<std::vector<int>>& charges, const std::vector<std::vector<int>>& dims,
              const std::vector<Eigen::VectorXd>& data) {
             d = DMRG(d.mpo(), mps_from_blocks(d.mpo().n, d.mpo().charges.conserved, charges, dims, data),
                      d.threads());
           },
           py::arg("charges"), py::arg("dims"), py::arg("data"),
           "Replace the state by a saved one (from state()); raises ValueError if it does not fit.")
      .def("set_threads", [](DMRG& d, int threads) { d.set_threads(engine_threads(threads)); }, py::arg("threads"))
      .def("dense", [](const DMRG& d) { return d.state().dense(); }, "The state as a vector (n <= 24).")
      .def_property_readonly("n_sites", [](const DMRG& d) { return d.state().n; })
      .def_property_readonly("conserves_sz", [](const DMRG& d) { return d.state().charges.conserved; })
      .def_property_readonly("mpo_bond_dims", [](const DMRG& d) {
        std::vector<int> out;
        for (int c = 0; c <= d.mpo().n; ++c) out.push_back(d.mpo().channels(c));
        return out;
      });
  m.def("truncated_svd",
        [](const Eigen::MatrixXd& M, int max_bond, double cutoff) {
          if (max_bond < 0) throw std::invalid_argument("max_bond must be >= 0 (0: no limit)");
          double discarded = 0;
          const tensor::Factors f = tensor::truncated_svd(M, tensor::Truncation{max_bond, cutoff}, &discarded);
          return py::dict("U"_a = f.U, "S"_a = f.S, "V"_a = f.V, "discarded_weight"_a = discarded);
        },
        py::arg("matrix"), py::arg("max_bond") = 0, py::arg("cutoff") = 1e-12,
        "The SVD cut every tensor network of the engine uses: M ~ U diag(S) V^T keeping at most "
        "max_bond values (0: all) above cutoff * |S|; discarded_weight = dropped S^2 / sum S^2.");
  m.def("dmrg_mpo_apply",
        [](const std::string& name, const std::string& lattice, int L, double J, double h, double delta, double J2,
           bool open, const Eigen::VectorXd& psi) { return model_mpo(name, lattice, L, J, h, delta, J2, open).apply_dense(psi); },
        py::arg("hamiltonian"), py::arg("lattice"), py::arg("L"), py::arg("J") = 1.0, py::arg("h") = 1.0,
        py::arg("delta") = 1.0, py::arg("J2") = 0.0, py::arg("open") = false, py::arg("psi"),
        "H psi through the Hamiltonian's MPO, for a dense vector (bit k = site k up; n <= 20).");
}
