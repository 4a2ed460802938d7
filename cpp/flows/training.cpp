#include "flows/training.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "rng/xoshiro256.hpp"

namespace physml::flows {

void moments(const Matrix& X, Row& mean, Row& spread) {
  if (X.rows() < 2) throw std::invalid_argument("a flow needs at least two training rows");
  if (!X.allFinite()) throw std::invalid_argument("training data contain NaN or infinite values");
  mean = X.colwise().mean();
  spread = ((X.rowwise() - mean).array().square().colwise().sum() / double(X.rows() - 1)).sqrt();
  for (Eigen::Index j = 0; j < spread.size(); ++j)
    if (!(spread(j) > 0)) spread(j) = 1.0;
}

namespace {
RealNVP fitted(FlowShape shape, const Matrix& X) {
  Row mean, spread;
  moments(X, mean, spread);
  return RealNVP(std::move(shape), mean, spread);
}
}  // namespace

namespace {
autodiff::OptimizerSettings adam(double lr) {
  autodiff::OptimizerSettings opt;
  opt.lr = lr;
  return opt;
}
}  // namespace

FlowTrainer::FlowTrainer(FlowShape shape, Matrix X, FlowTraining settings)
    : flow_(fitted(std::move(shape), X)), s_(settings),
      optimizer_(autodiff::OptimizerKind::Adam, adam(settings.lr)) {
  if (s_.batch_size < 1) throw std::invalid_argument("batch size must be >= 1");
  if (!(s_.lr > 0)) throw std::invalid_argument("learning rate must be > 0");
  U_ = flow_.standardise(X);
  flow_.initialize(s_.seed);
}

double FlowTrainer::epoch() {
  const long n = U_.rows();
  std::vector<long> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0L);
  Xoshiro256 shuffle(make_key(s_.seed ^ 0xF10A5ull), uint32_t(epochs_));
  for (long i = n - 1; i > 0; --i) std::swap(order[size_t(i)], order[shuffle.below(uint32_t(i + 1))]);
  const auto params = flow_.trainable_parameters();
  double total = 0;
  for (long b = 0; b < n; b += s_.batch_size) {
    const long e = std::min(n, b + long(s_.batch_size));
    Matrix batch(e - b, U_.cols());
    for (long k = b; k < e; ++k) batch.row(k - b) = U_.row(order[size_t(k)]);
    autodiff::Tape<double> t(s_.threads);
    std::vector<autodiff::Var> vars;
    for (auto* p : params) vars.push_back(t.parameter(*p));
    const autodiff::Var lq = flow_.log_prob(t, t.constant(batch), vars);
    const std::vector<double> weights(size_t(e - b), -1.0 / double(e - b));
    const autodiff::Var loss = autodiff::weighted_sum(t, lq, weights);
    total += t.value(loss)(0, 0) * double(e - b);
    t.backward(loss);
    optimizer_.step(params);
  }
  ++epochs_;
  if (!std::isfinite(total)) throw std::runtime_error("the flow's likelihood diverged (lower --lr)");
  return total / double(n);
}

}  // namespace physml::flows
