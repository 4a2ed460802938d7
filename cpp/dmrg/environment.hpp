#pragma once
// Environments: the MPO contracted with the state on one side of a cut, one block-sparse
// matrix (bra sector x ket sector) per MPO channel. Fusing an environment with the next
// site's W gives the "block operator" on (bond, site), the building block of the two-site
// effective Hamiltonian, of growing the environment by one site, and of the mixer.
#include <Eigen/Dense>
#include <vector>

#include "dmrg/mpo.hpp"
#include "dmrg/mps.hpp"

namespace physml::dmrg {

struct Environment {
  // block[a][l]: channel a, ket sector l of the bond -> matrix (bra sector of charge
  // q_l + delta_a) x (ket sector l); empty where that bra sector is absent or nothing reaches.
  std::vector<std::vector<Eigen::MatrixXd>> block;
};

// The environment beyond either end: one channel, the 1 x 1 identity.
Environment boundary_environment();

// An environment fused with W on the next site: for channel b at the far cut and each ket
// group g of the fused leg, the matrix (bra group) x (ket group g). bra[b][g] < 0: nothing.
struct BlockOperator {
  std::vector<std::vector<Eigen::MatrixXd>> block;
  std::vector<std::vector<int>> bra;
};

// L (left of site k) with W_k on the rows Fused::left(bond k).
BlockOperator left_block_operator(const Environment& L, const MPO& W, const MPS& psi, int k, const Fused& rows,
                                  int threads);
// R (right of site k) with W_k on the columns Fused::right(bond k + 1).
BlockOperator right_block_operator(const Environment& R, const MPO& W, const MPS& psi, int k, const Fused& cols,
                                   int threads);

// The environment one site further: A^T (L W) A with A = site k left-fused (its rows those of
// the operator), giving L on bond k + 1; or B (W R) B^T with B = site k right-fused.
Environment grow_left(const BlockOperator& LW, const Fused& rows, const MPO& W, const MPS& psi, int k, int threads);
Environment grow_right(const BlockOperator& RW, const Fused& cols, const MPO& W, const MPS& psi, int k, int threads);

}  // namespace physml::dmrg
