#pragma once
// The two-site step of DMRG on sites (k, k+1): the wave function theta as a block-diagonal
// matrix between the fused legs (bond k, s_k) and (s_{k+1}, bond k+2), the effective
// Hamiltonian H theta = sum_b (L W_k)_b theta (W_{k+1} R)_b^T, and the cut of theta back
// into two sites (SVD, or the density matrix with White's perturbation as mixer).
#include <Eigen/Dense>
#include <vector>

#include "dmrg/environment.hpp"
#include "tensor/truncation.hpp"

namespace physml::dmrg {

struct TwoSite {
  int k = 0;
  Fused rows, cols;
  Blocks theta;                          // one block per charge of the middle bond
  std::vector<int> row_group, col_group;  // each theta block's groups in rows, cols
  std::vector<long> offset;              // each block's place in the flattened vector
  BlockOperator LW, RW;
  // Per output block: the (channel, input block) pairs that reach it.
  std::vector<std::vector<std::pair<int, int>>> terms;
  // The channels whose block operator is the identity: "nothing placed yet" on the left (the
  // left sites are left-canonical) and "complete" on the right (right-canonical); their
  // product is skipped.
  int identity_left = -1, identity_right = -1;

  long size() const { return offset.empty() ? 0 : offset.back(); }
  // H_eff v for v flattened block after block.
  void apply(const Eigen::VectorXd& v, Eigen::VectorXd& w, int threads) const;
};

// theta = A_k A_{k+1} from the MPS and the operators from the environments L (left of k)
// and R (right of k+1).
TwoSite two_site(const MPS& psi, const MPO& W, int k, const Environment& L, const Environment& R, int threads);

struct Cut {
  double discarded_weight = 0;
  int kept = 0;
  Eigen::VectorXd singular_values;  // the new bond's, descending (the SVD cut only)
};

// Writes theta back into sites k and k+1. toward_right: site k becomes left-canonical and
// the weight moves to k+1; else site k+1 becomes right-canonical. mixer > 0: the cut keeps
// the leading eigenvectors of rho + mixer * sum_b (H_b theta)(H_b theta)^T over the MPO's
// operator channels (White, PRB 72, 180403 (2005)), so the bond can take up states theta
// alone does not yet need; mixer = 0: the SVD.
Cut cut_two_site(const TwoSite& step, MPS& psi, const MPO& W, bool toward_right, const tensor::Truncation& t,
                 double mixer, int threads);

}  // namespace physml::dmrg
