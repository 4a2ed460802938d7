// Python face of the spin Hamiltonians and exact diagonalization.
#include <pybind11/eigen.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "ed/exact.hpp"

namespace py = pybind11;
using namespace pybind11::literals;
using namespace physml;

SpinHamiltonian hamiltonian(const std::string& name, const std::string& lattice, int L, double J,
                            double h, double delta, double J2, bool open) {
  if (L < 2) throw std::invalid_argument("the lattice size must be >= 2");
  return make_spin_hamiltonian(name, Lattice(lattice, L, open), SpinCouplings{J, h, delta, J2});
}

void bind_quantum(py::module_& m) {
  m.def("exact_diagonalize",
        [](const std::string& name, const std::string& lattice, int L, double J, double h, double delta,
           double J2, bool open, int n_up, int levels, double tol, int max_iter, uint64_t seed,
           int threads) {
          const SpinHamiltonian H = hamiltonian(name, lattice, L, J, h, delta, J2, open);
          const int used = engine_threads(threads);
          ExactResult r;
          {
            py::gil_scoped_release release;
            r = exact_ground_state(H, n_up, levels, tol, max_iter, seed, used);
          }
          py::dict d("energies"_a = r.energies, "zz"_a = r.zz, "x"_a = r.x, "dimension"_a = r.dimension,
                       "iterations"_a = r.iterations, "converged"_a = r.converged, "residual"_a = r.residual, "n_sites"_a = H.n_sites,
                       "n_bonds"_a = H.bonds.size());
          return d;
        },
        py::arg("hamiltonian"), py::arg("lattice"), py::arg("L"), py::arg("J") = 1.0, py::arg("h") = 1.0,
        py::arg("delta") = 1.0, py::arg("J2") = 0.0, py::arg("open") = false, py::arg("n_up") = -1,
        py::arg("levels") = 2, py::arg("tol") = 1e-12, py::arg("max_iter") = 1000, py::arg("seed") = 0,
        py::arg("threads") = 1,
        "Lanczos ground state: {'energies', 'zz' (<sz_0 sz_j>), 'x' (<sx_j>, full space only), "
        "'dimension', 'iterations', 'converged', 'residual' (largest relative residual of a level), "
        "'n_sites', 'n_bonds'}; n_up >= 0 picks a sector.");
  m.def("exact_memory_estimate", &SpinBasis::memory_estimate, py::arg("n_sites"), py::arg("n_up"),
        "Bytes exact_diagonalize needs for n_sites spins (n_up < 0: the full space).");
  m.def("tfim_free_fermion_energy", &tfim_chain_free_fermion_energy, py::arg("n"), py::arg("J"),
        py::arg("h"), py::arg("periodic") = true,
        "Ground-state energy of the transverse-field Ising chain from its free-fermion solution.");
  m.def("hamiltonian_matrix",
        [](const std::string& name, const std::string& lattice, int L, double J, double h, double delta,
           double J2, bool open) {
          const SpinHamiltonian H = hamiltonian(name, lattice, L, J, h, delta, J2, open);
          if (H.n_sites > 12) throw std::invalid_argument("a dense matrix is for at most 12 spins");
          const long n = long(1) << H.n_sites;
          Eigen::MatrixXd M = Eigen::MatrixXd::Zero(n, n);
          for (long s = 0; s < n; ++s) {
            auto z = [s](int i) { return (s >> i & 1) ? 1 : -1; };
            M(s, s) = H.diagonal(z);
            H.off_diagonal(z, [&](int i, int j, double e) {
              long t = s ^ (long(1) << i);
              if (j >= 0) t ^= long(1) << j;
              M(t, s) += e;
            });
          }
          return M;
        },
        py::arg("hamiltonian"), py::arg("lattice"), py::arg("L"), py::arg("J") = 1.0, py::arg("h") = 1.0,
        py::arg("delta") = 1.0, py::arg("J2") = 0.0, py::arg("open") = false,
        "Dense H in the basis |s>, bit i of s set = site i up (for checks on small systems).");
}
