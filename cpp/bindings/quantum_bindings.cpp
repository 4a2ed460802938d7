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

SectorChoice sector_choice(const std::string& symmetries, const std::vector<int>& momentum, const std::string& irrep,
                           int spin_flip, int n_up) {
  SectorChoice c;
  c.symmetries = symmetries;
  c.momentum = momentum;
  c.irrep = irrep;
  c.spin_flip = spin_flip;
  c.n_up = n_up;
  return c;
}

#define PHYSML_MODEL_ARGS                                                                                   \
  py::arg("hamiltonian"), py::arg("lattice"), py::arg("L"), py::arg("J") = 1.0, py::arg("h") = 1.0,         \
      py::arg("delta") = 1.0, py::arg("J2") = 0.0, py::arg("open") = false
#define PHYSML_SECTOR_ARGS                                                                                  \
  py::arg("n_up") = -1, py::arg("symmetries") = "translations", py::arg("momentum") = std::vector<int>{},  \
      py::arg("irrep") = "A1", py::arg("spin_flip") = 0

void bind_quantum(py::module_& m) {
  m.def("exact_sector_diagonalize",
        [](const std::string& name, const std::string& lattice, int L, double J, double h, double delta,
           double J2, bool open, int n_up, const std::string& symmetries, const std::vector<int>& momentum,
           const std::string& irrep, int spin_flip, int levels, double tol, int max_iter, uint64_t seed,
           int threads, double memory_budget) {
          const SpinHamiltonian H = hamiltonian(name, lattice, L, J, h, delta, J2, open);
          const Lattice lat(lattice, L, open);
          const SectorChoice c = sector_choice(symmetries, momentum, irrep, spin_flip, n_up);
          const int used = engine_threads(threads);
          ExactResult r;
          {
            py::gil_scoped_release release;
            r = exact_sector_ground_state(H, lat, c, levels, tol, max_iter, seed, used, memory_budget);
          }
          return py::dict("energies"_a = r.energies, "zz"_a = r.zz, "x"_a = r.x, "dimension"_a = r.dimension,
                          "iterations"_a = r.iterations, "converged"_a = r.converged, "residual"_a = r.residual,
                          "sector"_a = r.sector, "group_size"_a = r.group_size, "n_sites"_a = H.n_sites,
                          "stored"_a = r.stored, "nonzeros"_a = r.nonzeros);
        },
        PHYSML_MODEL_ARGS, PHYSML_SECTOR_ARGS, py::arg("levels") = 2, py::arg("tol") = 1e-12,
        py::arg("max_iter") = 1000, py::arg("seed") = 0, py::arg("threads") = 1, py::arg("memory_budget") = 1e9,
        "Lanczos in a symmetry sector: the keys of exact_diagonalize (x: the site mean of <sx>, tfim only), "
        "'sector' (its name), 'group_size', 'stored' (H kept as a sparse matrix) and 'nonzeros'; memory_budget: "
        "bytes beyond the basis it may use for the matrix and the Krylov vectors.");
  m.def("exact_sector_matrix",
        [](const std::string& name, const std::string& lattice, int L, double J, double h, double delta,
           double J2, bool open, int n_up, const std::string& symmetries, const std::vector<int>& momentum,
           const std::string& irrep, int spin_flip) {
          const SpinHamiltonian H = hamiltonian(name, lattice, L, J, h, delta, J2, open);
          return sector_matrix(H, Lattice(lattice, L, open), sector_choice(symmetries, momentum, irrep, spin_flip, n_up));
        },
        PHYSML_MODEL_ARGS, PHYSML_SECTOR_ARGS, "Dense H in a symmetry sector's basis (dimension <= 4096; checks).");
  m.def("exact_sector_dimension",
        [](const std::string& lattice, int L, bool open, int n_up, const std::string& symmetries,
           const std::vector<int>& momentum, const std::string& irrep, int spin_flip, int threads) {
          const Lattice lat(lattice, L, open);
          const SectorChoice c = sector_choice(symmetries, momentum, irrep, spin_flip, n_up);
          const int used = engine_threads(threads);
          py::gil_scoped_release release;
          return sector_dimension(lat.n_sites(), lat, c, used);
        },
        py::arg("lattice"), py::arg("L"), py::arg("open") = false, PHYSML_SECTOR_ARGS, py::arg("threads") = 1,
        "Number of basis states of a symmetry sector.");
  m.def("exact_sign_rule_sector",
        [](const std::string& name, const std::string& lattice, int L, double J, double h, double delta,
           double J2, bool open, int n_up, const std::string& symmetries, const std::vector<int>& momentum,
           const std::string& irrep, int spin_flip) -> py::object {
          const SpinHamiltonian H = hamiltonian(name, lattice, L, J, h, delta, J2, open);
          SectorChoice c = sector_choice(symmetries, momentum, irrep, spin_flip, n_up);
          if (!sign_rule_sector(Lattice(lattice, L, open), H, c)) return py::none();
          return py::dict("momentum"_a = c.momentum, "irrep"_a = c.irrep, "spin_flip"_a = c.spin_flip);
        },
        PHYSML_MODEL_ARGS, PHYSML_SECTOR_ARGS,
        "The ground state's sector where a sign rule (stoquastic H, or Marshall on a bipartite lattice) fixes "
        "it: {'momentum', 'irrep', 'spin_flip'}; None where none applies.");
  m.def("lattice_sectors",
        [](const std::string& lattice, int L, bool open) {
          const Lattice lat(lattice, L, open);
          py::list translations;
          for (const SiteMap& t : lat.translations()) {
            const std::array<int, 3> x = lat.cell_of(t[0]);
            translations.append(std::vector<int>(x.begin(), x.begin() + lat.dimension()));
          }
          py::dict d("translations"_a = translations);
          try {
            d["momenta"] = invariant_momenta(lat);
            d["irreps"] = point_group_irreps(lat);
            d["point_group_order"] = lat.point_group().size();
          } catch (const std::invalid_argument& e) {
            d["momenta"] = py::none();
            d["irreps"] = py::none();
            d["point_group_order"] = 1;
            d["no_point_group"] = std::string(e.what());
          }
          return d;
        },
        py::arg("lattice"), py::arg("L"), py::arg("open") = false,
        "The lattice's translations (cell displacements), and where it has a usable point group the momenta it "
        "leaves invariant, its one-dimensional irreps and its order (else 'no_point_group': why).");
  m.def("exact_sector_memory_estimate", &SymmetricBasis::memory_estimate, py::arg("n_sites"), py::arg("dimension"),
        py::arg("group_size"), "Bytes of a symmetric basis and its tables (without the Lanczos vectors).");
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
  m.def("heisenberg_bethe_energy", &heisenberg_chain_bethe_energy, py::arg("n"), py::arg("J") = 1.0,
        "Ground-state energy (Pauli units) of the periodic Heisenberg chain of even n, from the Bethe ansatz.");
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
