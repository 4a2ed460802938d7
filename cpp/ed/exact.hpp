#pragma once
// Exact diagonalization by Lanczos, matrix-free: H v is computed row by row from the
// Hamiltonian's matrix elements, so memory is a few vectors of the (sector) dimension.
// Hamiltonians that conserve the magnetization are diagonalised in one sector.
#include <cstdint>
#include <vector>

#include <Eigen/Dense>
#include <string>

#include "ed/hamiltonian.hpp"
#include "ed/lanczos.hpp"
#include "ed/sector.hpp"
#include "registry/registry.hpp"

namespace physml {

// Computational basis: every configuration, or those with a fixed number of up spins
// (bit i set = site i up).
class SpinBasis {
 public:
  SpinBasis(int n_sites, int n_up);  // n_up < 0: the full space
  long size() const { return full_ ? long(1) << n_ : long(states_.size()); }
  uint64_t state(long r) const { return full_ ? uint64_t(r) : states_[size_t(r)]; }
  long find(uint64_t s) const { return full_ ? long(s) : long(index_[size_t(s)]); }  // -1 if not in the sector
  int n_sites() const { return n_; }
  // Bytes a diagonalization of this dimension needs (vectors and look-up tables).
  static double memory_estimate(int n_sites, int n_up);

 private:
  int n_;
  bool full_;
  std::vector<uint64_t> states_;
  std::vector<int32_t> index_;
};

struct ExactResult {
  std::vector<double> energies;  // lowest distinct levels found, ascending
  std::vector<double> zz;        // <sz_0 sz_j> in the ground state, j = 0..N-1
  std::vector<double> x;         // <sx_j> in the ground state
  long dimension = 0;
  int iterations = 0;
  // Largest residual |H psi - E psi| of a reported level over the spectral scale, at the
  // last check; converged means it met the tolerance (or the Krylov space closed).
  double residual = 0;
  bool converged = false;
  std::string sector;   // symmetry sectors: the sector's name
  int group_size = 1;   // and the order of its group
  bool stored = false;  // whether H was kept as a sparse matrix (else found on the fly)
  long nonzeros = 0;    // its off-diagonal elements

  ExactResult() = default;
  ExactResult(const lanczos::Spectrum& s, long n)
      : energies(s.energies), dimension(n), iterations(s.iterations), residual(s.residual), converged(s.converged) {}
};

// A looser tolerance would let a level be reported as converged when it is no eigenvalue
// at all; registered as the range of the eigensolver's "tol" parameter.
constexpr double kLanczosMaxTolerance = 1e-2;

// `levels` lowest energies (distinct within the tolerance), ground-state correlations.
// tol: see ExactResult::residual; in (0, kLanczosMaxTolerance].
ExactResult exact_ground_state(const SpinHamiltonian& H, int n_up, int levels, double tol,
                               int max_iter, uint64_t seed, int threads);

// The same in a symmetry sector (sector.hpp) of the lattice H is built on. memory_budget:
// bytes it may use beyond the basis and a few vectors, first to keep H's rows (6 bytes an
// element, instead of finding them again in every product), then the Krylov vectors
// (instead of a second Lanczos run for the ground state).
ExactResult exact_sector_ground_state(const SpinHamiltonian& H, const Lattice& lattice, const SectorChoice& choice,
                                      int levels, double tol, int max_iter, uint64_t seed, int threads,
                                      double memory_budget);
// The sector's Hamiltonian as a dense matrix (checks on small systems).
Eigen::MatrixXcd sector_matrix(const SpinHamiltonian& H, const Lattice& lattice, const SectorChoice& choice);
long sector_dimension(int n_sites, const Lattice& lattice, const SectorChoice& choice, int threads);

using EigensolverFunction = ExactResult (*)(const SpinHamiltonian&, int, int, double, int, uint64_t, int);
using EigensolverRegistry = registry::Registry<EigensolverFunction>;

}  // namespace physml
