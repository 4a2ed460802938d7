#pragma once
// Matrix product operators of the registered spin Hamiltonians (ed/hamiltonian.hpp), built
// from their term lists like a finite-state machine: a channel per (operator, site) waiting
// for its partner further right, plus "nothing yet" and "complete". So any bond list -- a
// chain, the periodic bond, next-nearest couplings, a strip's rungs -- gives its MPO, and
// the bond dimension is 2 + (open terms across the cut).
#include <Eigen/Dense>
#include <vector>

#include "dmrg/charges.hpp"
#include "ed/hamiltonian.hpp"

namespace physml::dmrg {

// One nonzero of W_k: <out| W[a][b] |in> = value.
struct MPOElement {
  int a = 0, b = 0, out = 0, in = 0;
  double value = 0;
};

struct MPO {
  int n = 0;
  Charges charges;
  // channel_charge[k][a]: the charge channel a at the cut left of site k carries (bra minus
  // ket up spins to its left); cut 0 and cut n have one channel each.
  std::vector<std::vector<int>> channel_charge;
  std::vector<std::vector<MPOElement>> sites;
  // Channels known to be "nothing placed yet" (identity from the left) and "complete"
  // (identity to the right), per cut; -1 where absent. The mixer leaves them out.
  std::vector<int> start, done;

  int channels(int cut) const { return int(channel_charge[size_t(cut)].size()); }
  // H psi for a dense vector (bit k = site k up); checks on small chains.
  Eigen::VectorXd apply_dense(const Eigen::VectorXd& psi) const;
};

MPO spin_mpo(const SpinHamiltonian& H);
// W_k (x) W_k: the MPO of H^2, for the energy variance.
MPO squared(const MPO& W);
// The MPO of H + constant (constant / n on every site): <(H - E)^2> needs no cancellation
// between two large numbers.
MPO shifted(const MPO& W, double constant);

}  // namespace physml::dmrg
