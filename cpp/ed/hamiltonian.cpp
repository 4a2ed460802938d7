#include "ed/hamiltonian.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <stdexcept>

namespace physml {

SpinHamiltonian make_spin_hamiltonian(const std::string& name, const Lattice& lattice, const SpinCouplings& c) {
  SpinHamiltonian H = HamiltonianRegistry::instance().get(name, "Hamiltonian")(lattice, c);
  H.name = name;
  H.n_sites = lattice.n_sites();
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
