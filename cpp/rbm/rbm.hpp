#pragma once
// Restricted Boltzmann machines with binary units, E(v, h) = -v^T W h - b^T v - c^T h,
// units in {0, 1} or {-1, +1}. Trained by contrastive divergence (CD-k) or persistent CD
// with momentum and L2 weight decay; exact log-likelihood by enumerating the smaller
// layer; annealed importance sampling (Neal 2001; Salakhutdinov & Murray 2008) for log Z
// otherwise. Every random draw is addressed by (seed, purpose, sample, step), so the
// model does not depend on the thread count.
#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

namespace physml {

struct Rbm {
  Eigen::MatrixXd W;  // (visible, hidden)
  Eigen::VectorXd b;  // visible biases
  Eigen::VectorXd c;  // hidden biases
  bool plus_minus = false;  // units +-1 instead of 0/1

  int n_visible() const { return int(W.rows()); }
  int n_hidden() const { return int(W.cols()); }
};

// An RBM from stored parameters; throws std::invalid_argument when the biases do not
// match W or a value is not finite (a damaged file must not reach the samplers).
Rbm make_rbm(const Eigen::MatrixXd& W, const Eigen::VectorXd& b, const Eigen::VectorXd& c,
             bool plus_minus);

struct RbmTraining {
  int hidden = 64, cd_k = 1, epochs = 10, batch_size = 10;
  bool persistent = false;
  double learning_rate = 0.05, momentum = 0.5, l2 = 0.0;
  uint64_t seed = 0;
  int threads = 1;
};

// data: (n, visible) rows of 0/1 (or +-1 with plus_minus).
Rbm train_rbm(const Eigen::MatrixXd& data, const RbmTraining& opt, bool plus_minus);

// Free energy F(v) of each row: p(v) = exp(-F(v)) / Z.
Eigen::VectorXd free_energy(const Rbm& m, const Eigen::MatrixXd& V);

// Exact log Z; refuses min(visible, hidden) > 24.
double exact_log_partition(const Rbm& m);

struct LogEstimate {
  double value = 0, error = 0;
};

// AIS estimate of log Z with `runs` chains and `betas` intermediate distributions, from a
// base model with the same visible biases and no couplings.
LogEstimate ais_log_partition(const Rbm& m, int runs, int betas, uint64_t seed, int threads);

// log Z by method "exact" (error 0) or "ais" (runs, betas, seed and threads as above).
LogEstimate log_partition(const Rbm& m, const std::string& method, int runs, int betas,
                          uint64_t seed, int threads);

// Mean pseudo-log-likelihood (scikit-learn's definition: N log sigma(F(v~) - F(v)) with one
// randomly chosen unit of v flipped), drawing the flipped unit from the seed.
double pseudo_log_likelihood(const Rbm& m, const Eigen::MatrixXd& V, uint64_t seed);

// n samples of the visible layer after `steps` Gibbs steps from random starts.
Eigen::MatrixXd sample_rbm(const Rbm& m, int n, int steps, uint64_t seed, int threads);

}  // namespace physml
