#pragma once
// A matrix product state read as a probability distribution, p(v) = |psi(v)|^2 / Z, with
// psi(v) = A_1^{v_1} A_2^{v_2} ... A_N^{v_N} (open boundaries, two states per site): the
// Born machine of Han, Wang, Fan, Wang and Zhang (PRX 8, 031012, 2018). Z and every
// conditional are exact contractions, so sampling needs no Markov chain.
#include <Eigen/Dense>
#include <array>
#include <cstdint>
#include <vector>

namespace physml::born {

// One configuration per row, entries 0 or 1.
using Configurations = Eigen::Matrix<uint8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// A^0 and A^1 of one site, each bond_left x bond_right.
using SiteTensor = std::array<Eigen::MatrixXd, 2>;

class BornMachine {
 public:
  // The uniform distribution as a product state (every bond of dimension 1).
  explicit BornMachine(int n_sites);
  // Tensors as saved; throws std::invalid_argument unless neighbouring bonds match and the
  // ends have dimension 1.
  explicit BornMachine(std::vector<SiteTensor> sites);

  int n_sites() const { return int(sites_.size()); }
  std::vector<int> bond_dims() const;  // N + 1 entries, 1 at both ends
  const std::vector<SiteTensor>& sites() const { return sites_; }
  std::vector<SiteTensor>& sites() { return sites_; }

  double log_norm() const;  // ln Z, by transfer matrices
  // ln p(v) of every row; -inf where psi(v) = 0.
  Eigen::VectorXd log_probabilities(const Configurations& v, int threads) const;
  // n independent exact samples; sample i depends on (seed, i) only.
  Configurations sample(int n, uint64_t seed, int threads) const;

  // Brings every site but the first into right-canonical form (sum_s A^s A^s^T = 1), which
  // leaves Z = |A_1|^2, then scales A_1 so that Z = 1. The distribution is unchanged.
  void right_canonicalize();

 private:
  std::vector<SiteTensor> sites_;
};

}  // namespace physml::born
