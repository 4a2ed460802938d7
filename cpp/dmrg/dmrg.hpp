#pragma once
// Two-site DMRG (White 1992; in MPS language Schollwoeck, Ann. Phys. 326, 96 (2011)) for the
// registered spin Hamiltonians, driven one sweep at a time so the caller can report,
// checkpoint and stop between sweeps. Between sweeps the state is right-canonical with its
// weight on site 0, and each sweep rebuilds its environments from the state alone: a run
// resumed from a saved state continues exactly as the uninterrupted one.
#include <Eigen/Dense>
#include <vector>

#include "dmrg/environment.hpp"
#include "dmrg/two_site.hpp"

namespace physml::dmrg {

struct SweepSettings {
  tensor::Truncation truncation;
  double mixer = 0;           // amplitude of White's perturbation (0: plain SVD cuts)
  double lanczos_tol = 1e-10;  // local eigenproblem: residual over |E|
  int lanczos_steps = 40;
};

struct SweepReport {
  double energy = 0;            // the local problem's lowest eigenvalue at the last step
  double discarded_weight = 0;  // the largest of the sweep's cuts
  long largest_bond = 0;
  long lanczos_steps = 0;       // summed over the sweep's local problems
  bool lanczos_converged = true;
};

class DMRG {
 public:
  DMRG(MPO W, MPS psi, int threads);

  SweepReport sweep(const SweepSettings& s);

  const MPS& state() const { return psi_; }
  int threads() const { return threads_; }
  void set_threads(int t) { threads_ = t; }
  const MPO& mpo() const { return W_; }
  // <psi|H|psi> and <psi|H^2|psi> by contracting the whole network (psi is normalised).
  double energy() const;
  double energy_squared() const;
  // <(H - E)^2> with E = <H>, from the MPO of (H - E)^2: the variance without cancellation.
  double variance() const;
  // Schmidt values across every bond 1..n-1 (a copy of the state brought to left-canonical
  // form, nothing truncated).
  std::vector<Eigen::VectorXd> schmidt_values() const;
  // <sz_r sz_j> for j = r..n-1, and <sz_j>, <sx_j> for every site.
  std::vector<double> zz_correlations(int r) const;
  std::vector<double> sz() const;
  std::vector<double> sx() const;

 private:
  MPO W_;
  MPS psi_;
  int threads_;
};

// The state every run starts from: n_up up spins spread evenly (the Neel state at n/2).
MPS spread_product_state(int n, int n_up, bool conserve);

// A state from saved sector labels and coefficients (MPS::blocks order: for each site, s
// then left sector); throws std::invalid_argument when they do not fit together.
MPS mps_from_blocks(int n, bool conserve, const std::vector<std::vector<int>>& charges,
                    const std::vector<std::vector<int>>& dims, const std::vector<Eigen::VectorXd>& data);
std::vector<Eigen::VectorXd> mps_blocks(const MPS& psi);

}  // namespace physml::dmrg
