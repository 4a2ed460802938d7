#pragma once
// Truncated singular value decompositions, the one way every tensor network in the engine
// (DMRG's MPS, the Born machine, tensor renormalization) cuts a bond. A bond may be split in
// blocks (one per conserved charge); the kept values are the globally largest, so a block
// structure never changes which states survive.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace physml::tensor {

struct Truncation {
  int max_bond = 0;       // most singular values kept; 0: no limit
  double cutoff = 1e-12;  // values below cutoff * (norm of all values) are dropped
};

// What a cut kept: per block, how many of its (descending) singular values, and the
// discarded weight sum(dropped s^2) / sum(s^2) -- the truncation error of DMRG.
struct Kept {
  std::vector<int> per_block;
  int total = 0;
  double discarded_weight = 0;
};

// blocks[b]: singular values of block b, each in descending order. At least one value is
// kept whenever any is nonzero, so a state is never cut to nothing.
inline Kept choose_kept(const std::vector<Eigen::VectorXd>& blocks, const Truncation& t) {
  struct Value {
    double s;
    int block;
  };
  std::vector<Value> all;
  double weight = 0;
  for (int b = 0; b < int(blocks.size()); ++b)
    for (Eigen::Index k = 0; k < blocks[size_t(b)].size(); ++k) {
      all.push_back({blocks[size_t(b)](k), b});
      weight += blocks[size_t(b)](k) * blocks[size_t(b)](k);
    }
  // Ties broken by block so the choice is the same on every machine.
  std::stable_sort(all.begin(), all.end(), [](const Value& a, const Value& b) { return a.s > b.s; });
  Kept kept;
  kept.per_block.assign(blocks.size(), 0);
  const double floor = t.cutoff * std::sqrt(weight);
  double dropped = 0;
  for (size_t k = 0; k < all.size(); ++k) {
    const bool room = t.max_bond <= 0 || kept.total < t.max_bond;
    if (room && (all[k].s > floor || kept.total == 0) && all[k].s > 0) {
      ++kept.per_block[size_t(all[k].block)];
      ++kept.total;
    } else {
      dropped += all[k].s * all[k].s;
    }
  }
  kept.discarded_weight = weight > 0 ? dropped / weight : 0;
  return kept;
}

// M ~ U diag(S) V^T with the columns of U, V orthonormal.
struct Factors {
  Eigen::MatrixXd U, V;
  Eigen::VectorXd S;
};

// The full thin SVD, values descending (BDC: divide and conquer for large blocks, which is
// where the time goes; Jacobi below its switch-over is what BDCSVD does itself).
inline Factors thin_svd(const Eigen::MatrixXd& M) {
  Factors f;
  if (M.rows() == 0 || M.cols() == 0) {
    f.U.resize(M.rows(), 0);
    f.V.resize(M.cols(), 0);
    f.S.resize(0);
    return f;
  }
  Eigen::BDCSVD<Eigen::MatrixXd> svd(M, Eigen::ComputeThinU | Eigen::ComputeThinV);
  f.U = svd.matrixU();
  f.V = svd.matrixV();
  f.S = svd.singularValues();
  return f;
}

// Keeps the first n values of f.
inline void keep_leading(Factors& f, int n) {
  f.U = f.U.leftCols(n).eval();
  f.V = f.V.leftCols(n).eval();
  f.S = f.S.head(n).eval();
}

// A dense matrix cut in one block.
inline Factors truncated_svd(const Eigen::MatrixXd& M, const Truncation& t, double* discarded_weight = nullptr) {
  Factors f = thin_svd(M);
  const Kept k = choose_kept({f.S}, t);
  keep_leading(f, k.total);
  if (discarded_weight) *discarded_weight = k.discarded_weight;
  return f;
}

}  // namespace physml::tensor
