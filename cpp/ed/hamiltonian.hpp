#pragma once
// Spin-1/2 Hamiltonians on the engine's lattices, in Pauli matrices (eigenvalues +-1):
//   tfim        H = -J sum_<ij> sz_i sz_j - h sum_i sx_i
//   heisenberg  H =  J sum_<ij> (sx sx + sy sy + sz sz)
//   xxz         H =  J sum_<ij> (sx sx + sy sy + Delta sz sz)
//   j1j2        H = J sum_<ij> s_i.s_j + J2 sum_<<ij>> s_i.s_j   (chain, square)
// (Pauli convention as in NetKet; in spin-1/2 operators S = s/2 every two-spin term is 4x
// smaller.) Exact diagonalization and VMC both read matrix elements from here.
#include <cstdint>
#include <string>
#include <vector>

#include <functional>

#include "lattice/lattice.hpp"
#include "registry/registry.hpp"

namespace physml {

// zz * sz_i sz_j + flip * (sx_i sx_j + sy_i sy_j)
struct SpinBond {
  int i = 0, j = 0;
  double zz = 0, flip = 0;
};

struct SpinHamiltonian {
  std::string name;
  int n_sites = 0;
  std::vector<SpinBond> bonds;
  double transverse = 0;  // coefficient of sum_i sx_i
  bool conserves_magnetization() const { return transverse == 0; }

  // zz * sz_i sz_j + flip * (sx_i sx_j + sy_i sy_j) on every pair of a lattice bond list.
  void add_coupling(const BondList& pairs, double zz, double flip) {
    for (const auto& [i, j] : pairs) bonds.push_back({i, j, zz, flip});
  }

  // <s|H|s>; z(i) is sz of site i in the configuration, +1 or -1.
  template <class Z>
  double diagonal(const Z& z) const {
    double e = 0;
    for (const SpinBond& b : bonds) e += b.zz * z(b.i) * z(b.j);
    return e;
  }

  // Calls f(i, j, element) for every configuration s' != s connected to s: s' is s with
  // sites i and j flipped (j = -1: site i alone) and element = <s'|H|s>.
  template <class Z, class F>
  void off_diagonal(const Z& z, F&& f) const {
    for (const SpinBond& b : bonds)
      if (b.flip != 0 && z(b.i) != z(b.j)) f(b.i, b.j, 2.0 * b.flip);
    if (transverse != 0)
      for (int i = 0; i < n_sites; ++i) f(i, -1, transverse);
  }
};

// The couplings a Hamiltonian may read; each registered Hamiltonian names the ones it uses.
struct SpinCouplings {
  double J = 1.0, h = 1.0, delta = 1.0, J2 = 0.0;
};

// A registered Hamiltonian (ed/spin_models.cpp) builds itself on a lattice's pairs.
using HamiltonianFactory = std::function<SpinHamiltonian(const Lattice&, const SpinCouplings&)>;
using HamiltonianRegistry = registry::Registry<HamiltonianFactory>;

SpinHamiltonian make_spin_hamiltonian(const std::string& name, const Lattice& lattice, const SpinCouplings& c);

// Ground-state energy of the transverse-field Ising chain (N sites, periodic or open) from
// its free-fermion (Jordan-Wigner + Bogoliubov) solution: -1/2 sum_k Lambda_k, with
// Lambda_k the singular values of the N x N matrix A - B (Lieb, Schultz & Mattis 1961);
// antiperiodic fermions for the periodic chain (its ground state has even parity).
double tfim_chain_free_fermion_energy(int n, double J, double h, bool periodic);

// Ground-state energy (Pauli units) of the periodic antiferromagnetic Heisenberg chain of even
// N from the Bethe ansatz: N/2 real rapidities, the ground state's quantum numbers, solved by
// Newton's method to rounding.
double heisenberg_chain_bethe_energy(int n, double J);

}  // namespace physml
