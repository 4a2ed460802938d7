#include "vmc/made_ansatz.hpp"

#include <cmath>

namespace physml::vmc {

using autodiff::Matrix;

namespace {

Matrix<double> rows_of(const Config& s, long copies = 1) {
  Matrix<double> x(copies, long(s.size()));
  for (long r = 0; r < copies; ++r)
    for (size_t i = 0; i < s.size(); ++i) x(r, long(i)) = s[i];
  return x;
}

}  // namespace

class MadeAnsatz::MadeWalker final : public Walker<double> {
 public:
  explicit MadeWalker(const MadeAnsatz& m) : m_(m), net_(m.net_) {}

  void reset(const Config& s) override {
    net_ = m_.net_;  // the parameters may have moved since the last pass
    s_ = s;
    log_psi_ = half_log_q(rows_of(s_))[0];
  }

  double ratio(int i, int j) override {
    double out;
    ratios({{i, j}}, &out);
    return out;
  }

  void ratios(const std::vector<Flip>& flips, double* out) override {
    Matrix<double> x = rows_of(s_, long(flips.size()));
    for (size_t k = 0; k < flips.size(); ++k) {
      x(long(k), flips[k].first) *= -1;
      if (flips[k].second >= 0) x(long(k), flips[k].second) *= -1;
    }
    const Eigen::VectorXd lp = half_log_q(x);
    for (size_t k = 0; k < flips.size(); ++k) out[k] = std::exp(lp[long(k)] - log_psi_);
  }

  void flip(int i, int j) override {
    s_[size_t(i)] = int8_t(-s_[size_t(i)]);
    if (j >= 0) s_[size_t(j)] = int8_t(-s_[size_t(j)]);
    log_psi_ = half_log_q(rows_of(s_))[0];
  }

  void log_derivatives(double* out) override {
    Eigen::VectorXd unused;
    const Eigen::VectorXd g = net_.weighted_gradient(rows_of(s_), {0.5}, 1, unused);
    std::copy(g.data(), g.data() + g.size(), out);
  }

  // A fresh configuration drawn from q = |psi|^2 itself, from a seed the chain's stream gives.
  bool sample_exact(Xoshiro256& rng) override {
    Matrix<double> x;
    Eigen::VectorXd unused;
    net_.sample(1, rng.next(), 0, 1, x, unused);
    for (size_t i = 0; i < s_.size(); ++i) s_[i] = int8_t(x(0, long(i)));
    log_psi_ = half_log_q(x)[0];  // as ratios compute it, not the sampler's running sum
    return true;
  }

 private:
  Eigen::VectorXd half_log_q(const Matrix<double>& x) const { return 0.5 * net_.log_prob(x, 1); }

  const MadeAnsatz& m_;
  autoregressive::Made net_;  // a copy: the tape writes gradients into it
  double log_psi_ = 0;
};

MadeAnsatz::MadeAnsatz(int n_sites, int depth, int width, uint64_t seed, int n_up)
    : net_(n_sites, depth, width, autodiff::Activation::Tanh, seed) {
  n_sites_ = n_sites;
  net_.set_sector(n_up);
}

std::unique_ptr<Walker<double>> MadeAnsatz::walker() const { return std::make_unique<MadeWalker>(*this); }

double MadeAnsatz::log_psi(const Config& s) const { return 0.5 * net_.log_prob(rows_of(s), 1)[0]; }

}  // namespace physml::vmc
