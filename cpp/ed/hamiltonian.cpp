#include "ed/hamiltonian.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <stdexcept>

namespace physml {

namespace {

// Does the bond (i, j) cross the boundary of the open chain or square?
bool wraps(LatticeKind kind, int L, int i, int j) {
  if (kind == LatticeKind::Chain) return std::abs(i - j) != 1;
  const int ri = i / L, ci = i % L, rj = j / L, cj = j % L;
  return std::abs(ri - rj) > 1 || std::abs(ci - cj) > 1;
}

std::vector<std::pair<int, int>> next_nearest(LatticeKind kind, int L) {
  std::vector<std::pair<int, int>> out;
  if (kind == LatticeKind::Chain) {
    for (int i = 0; i < L; ++i) out.emplace_back(i, (i + 2) % L);
  } else if (kind == LatticeKind::Square) {
    for (int r = 0; r < L; ++r)
      for (int c = 0; c < L; ++c) {
        const int down = (r + 1) % L;
        out.emplace_back(r * L + c, down * L + (c + 1) % L);
        out.emplace_back(r * L + c, down * L + (c + L - 1) % L);
      }
  } else {
    throw std::invalid_argument("j1j2 is defined on the chain and the square lattice");
  }
  return out;
}

}  // namespace

SpinHamiltonian make_spin_hamiltonian(const std::string& name, LatticeKind lattice, int L, double J,
                                      double h, double delta, double J2, bool open) {
  const Lattice lat(lattice, L);
  if (open && lattice != LatticeKind::Chain && lattice != LatticeKind::Square)
    throw std::invalid_argument("open boundaries are available for the chain and the square lattice");
  SpinHamiltonian H;
  H.name = name;
  H.n_sites = lat.n_sites();
  double zz = 0, flip = 0;
  if (name == "tfim") {
    zz = -J;
    H.transverse = -h;
  } else if (name == "heisenberg") {
    zz = J;
    flip = J;
  } else if (name == "xxz") {
    zz = J * delta;
    flip = J;
  } else if (name == "j1j2") {
    zz = flip = J;
  } else {
    throw std::invalid_argument("unknown Hamiltonian '" + name + "' (choose tfim, heisenberg, xxz, j1j2)");
  }
  for (const auto& [i, j] : lat.bonds())
    if (!(open && wraps(lattice, L, i, j))) H.bonds.push_back({i, j, zz, flip});
  if (name == "j1j2" && J2 != 0)
    for (const auto& [i, j] : next_nearest(lattice, L))
      if (!(open && wraps(lattice, L, i, j))) H.bonds.push_back({i, j, J2, J2});
  return H;
}

double tfim_chain_free_fermion_energy(int n, double J, double h, bool periodic) {
  if (n < 2) throw std::invalid_argument("the chain needs at least 2 sites");
  // H = sum A_ij c_i^+ c_j + 1/2 sum (B_ij c_i^+ c_j^+ + h.c.) + const, with sx = 1 - 2 n and
  // sz_i sz_{i+1} = (c_i^+ - c_i)(c_{i+1}^+ + c_{i+1}); (A - B)_{i+1,i} = -2J, A_ii = 2h.
  Eigen::MatrixXd M = Eigen::MatrixXd::Zero(n, n);
  for (int i = 0; i < n; ++i) M(i, i) = 2.0 * h;
  for (int i = 0; i + 1 < n; ++i) M(i + 1, i) = -2.0 * J;
  if (periodic) M(0, n - 1) = 2.0 * J;  // even parity: antiperiodic fermions
  const Eigen::VectorXd lambda = Eigen::BDCSVD<Eigen::MatrixXd>(M).singularValues();
  return -0.5 * lambda.sum();
}

}  // namespace physml
