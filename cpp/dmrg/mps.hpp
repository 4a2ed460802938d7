#pragma once
// Matrix product states of spin-1/2 chains with U(1) blocks (charges.hpp):
// psi(s_0..s_{n-1}) = A_0[s_0] A_1[s_1] ... A_{n-1}[s_{n-1}], bond k to the left of site k.
#include <Eigen/Dense>
#include <array>
#include <cstdint>
#include <vector>

#include "dmrg/charges.hpp"

namespace physml::dmrg {

// Dense blocks labelled by charge (ascending); a block-diagonal matrix between two fused legs.
struct Blocks {
  std::vector<int> charges;
  std::vector<Eigen::MatrixXd> m;

  int find(int q) const {
    const auto it = std::lower_bound(charges.begin(), charges.end(), q);
    return it != charges.end() && *it == q ? int(it - charges.begin()) : -1;
  }
  long size() const {
    long t = 0;
    for (const auto& b : m) t += b.size();
    return t;
  }
  // The coefficients in one vector, block after block (what Lanczos works on).
  Eigen::VectorXd flatten() const;
  void assign(const Eigen::VectorXd& v);
  double squared_norm() const;
};

// One site's tensor: block[s][l] is the matrix from left sector l to the right sector of
// charge q_l + n(s); empty (0 x 0) where that sector does not exist.
struct SiteTensor {
  std::array<std::vector<Eigen::MatrixXd>, kLocalDim> block;
};

struct MPS {
  int n = 0;
  Charges charges;
  std::vector<BondSpace> bonds;  // n + 1
  std::vector<SiteTensor> sites;

  // A product state; states[k] = 0 (down) or 1 (up).
  static MPS product(const std::vector<int>& states, bool conserve);

  int right_sector(int k, int l, int s) const {
    return bonds[size_t(k) + 1].find(bonds[size_t(k)].charges[size_t(l)] + charges.of(s));
  }
  // Site k as a matrix with rows (l, s) fused on the left, columns the right bond.
  Blocks left_fused(int k) const;
  void set_left_fused(int k, const Blocks& b, const Fused& rows);
  // Site k as a matrix with rows the left bond, columns (s, r) fused on the right.
  Blocks right_fused(int k) const;
  void set_right_fused(int k, const Blocks& b, const Fused& cols);

  long largest_bond() const;
  // The state as a vector over configurations (bit k = site k up); n <= 24.
  Eigen::VectorXd dense() const;
};

}  // namespace physml::dmrg
