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

double heisenberg_chain_bethe_energy(int n, double J) {
  if (n < 2 || n % 2) throw std::invalid_argument("the Bethe-ansatz ground state is for even chains of >= 2 sites");
  // M = N/2 real rapidities with quantum numbers I_j = -(M-1)/2 .. (M-1)/2 solve
  //   F_j = 2N atan(2 l_j) - 2 pi I_j - sum_k 2 atan(l_j - l_k) = 0;  Newton from l = 0.
  const int m = n / 2;
  Eigen::VectorXd l = Eigen::VectorXd::Zero(m), I(m);
  for (int j = 0; j < m; ++j) I(j) = j - (m - 1) / 2.0;
  for (int it = 0; it < 200; ++it) {
    Eigen::VectorXd F(m);
    Eigen::MatrixXd D = Eigen::MatrixXd::Zero(m, m);
    for (int j = 0; j < m; ++j) {
      F(j) = 2.0 * n * std::atan(2 * l(j)) - 2 * M_PI * I(j);
      D(j, j) = 4.0 * n / (1 + 4 * l(j) * l(j));
      for (int k = 0; k < m; ++k) {
        if (k == j) continue;
        const double d = l(j) - l(k), g = 2 / (1 + d * d);
        F(j) -= 2 * std::atan(d);
        D(j, j) -= g;
        D(j, k) += g;
      }
    }
    const Eigen::VectorXd step = D.partialPivLu().solve(F);
    l -= step;
    if (step.cwiseAbs().maxCoeff() < 1e-15 * std::max(1.0, l.cwiseAbs().maxCoeff())) break;
  }
  // E = J (N/4 - sum_j 2 / (1 + 4 l_j^2)) in S.S units; 4x that with Pauli matrices
  double e = n / 4.0;
  for (int j = 0; j < m; ++j) e -= 2 / (1 + 4 * l(j) * l(j));
  return 4 * J * e;
}

}  // namespace physml
