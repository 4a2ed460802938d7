#pragma once
// MADE (Germain, Gregor, Murray & Larochelle 2015) over N binary sites in a fixed order:
// masked dense layers whose output i sees the inputs j < i only, so that
//   q(s) = prod_i q(s_i | s_<i),   q(s_i = +1 | s_<i) = sigmoid(z_i(s_<i)),
// is normalised by construction, with exact log q and exact samples drawn site after site.
// Hidden layers hold `width` units per site: a unit of degree k sees the units of degree
// <= k below it (inputs j <= k) and feeds the outputs i > k. Wu, Wang & Zhang (2019) train
// it as a variational free energy (variational/van.hpp).
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "autodiff/ops.hpp"

namespace physml::autoregressive {

using autodiff::Matrix;  // row-major: one configuration (+-1 as doubles) per row

// log(exp(a) + exp(b)) without overflow.
inline double log_add_exp(double a, double b) {
  const double m = std::max(a, b);
  return m + std::log(std::exp(a - m) + std::exp(b - m));
}

class Made {
 public:
  // depth: masked layers (1: a logistic layer on the inputs); width: hidden units per site.
  Made(int n_sites, int depth, int width, autodiff::Activation activation, uint64_t seed);

  int n_sites() const { return n_; }
  // Restricts q to the configurations with n_up spins up (-1: all): a site whose value the
  // sites before it already force (the ups or the downs are used up) is not drawn and adds
  // nothing to log q, so q stays normalised over that sector (Hibat-Allah et al. 2020).
  // A configuration outside the sector has log q = -inf.
  void set_sector(int n_up);
  int sector() const { return n_up_; }
  int depth() const { return int(layers_.size()) / 2; }
  int width() const { return width_; }
  autodiff::Activation activation() const { return activation_; }
  long n_params() const;
  Eigen::VectorXd parameters() const;
  void set_parameters(const Eigen::VectorXd& p);

  // Exact samples: rows of +-1 and their log q. Row r draws from the stream (seed, step,
  // first_row + r), so the rows do not depend on the thread count or on how the batch is
  // split. Each sampled site adds its column's contribution to the units above it, so a row
  // costs one forward pass (every unmasked weight once) instead of N.
  void sample(long rows, uint64_t seed, uint64_t step, int threads, Matrix<double>& s,
              Eigen::VectorXd& log_q, uint32_t first_row = 0) const;
  // The coin of the Z2 mixture (q(s) + q(-s)) / 2 for the row that sample() drew from stream
  // (seed, step, row): a draw past the sites' own, so the mixture's samples are the
  // network's with each row flipped with probability 1/2.
  bool mixture_flip(uint64_t seed, uint64_t step, uint32_t row) const;
  // log q of each row of s (one batched forward pass).
  Eigen::VectorXd log_prob(const Matrix<double>& s, int threads) const;
  // log (q(s) + q(-s)) / 2 of each row: the Z2 mixture's (one pass over the rows and their
  // flips).
  Eigen::VectorXd mixture_log_prob(const Matrix<double>& s, int threads) const;
  // d/dp sum_r w_r log q(s_r), in parameters() order, with log q of each row.
  Eigen::VectorXd weighted_gradient(const Matrix<double>& s, const std::vector<double>& w, int threads,
                                    Eigen::VectorXd& log_q);
  // The conditionals' logits z (rows, N) for the rows of s (tests: z_i ignores s_>=i).
  Matrix<double> logits(const Matrix<double>& s, int threads) const;

 private:
  autodiff::Var forward(autodiff::Tape<double>& t, autodiff::Var x, const std::vector<autodiff::Var>& p) const;
  // First column of layer l's outputs that a unit of degree k feeds: hidden units of
  // degree >= k (l below the top), outputs > k (the top layer).
  long first_fed(size_t l, int k) const;

  // 1 where the sector forces site i of row r (given the sites before it), else 0; with
  // `contradicts`, also whether some row holds a forced site at the other value.
  Matrix<double> forced_sites(const Matrix<double>& s, std::vector<bool>* contradicts = nullptr) const;

  int n_, width_;
  int n_up_ = -1;
  autodiff::Activation activation_;
  std::vector<autodiff::Parameter<double>> layers_;  // W (in, out), b (1, out) per layer
  std::vector<Matrix<double>> masks_;                // (in, out) per layer
};

}  // namespace physml::autoregressive
