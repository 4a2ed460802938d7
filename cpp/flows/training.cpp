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

// A batch is split into slices of this many rows, each on its own tape and thread, and the
// slices' gradients are added in order: the slicing, not the thread count, fixes the sums.
// (Small networks gain little from splitting one product over threads; whole slices do.)
constexpr long SLICE = 64;

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
    const long slices = (e - b + SLICE - 1) / SLICE;
    // every slice differentiates its own copy of the parameters
    std::vector<std::vector<autodiff::Parameter<double>>> copies(static_cast<size_t>(slices));
    std::vector<double> losses(static_cast<size_t>(slices), 0.0);
#pragma omp parallel for schedule(dynamic) num_threads(s_.threads)
    for (long c = 0; c < slices; ++c) {
      const long first = b + c * SLICE, last = std::min(e, first + SLICE);
      Matrix rows(last - first, U_.cols());
      for (long k = first; k < last; ++k) rows.row(k - first) = U_.row(order[size_t(k)]);
      auto& mine = copies[size_t(c)];
      for (auto* p : params) mine.push_back({p->value, Matrix(), p->is_bias});
      autodiff::Tape<double> t(1);
      std::vector<autodiff::Var> vars;
      for (auto& p : mine) vars.push_back(t.parameter(p));
      const autodiff::Var lq = flow_.log_prob(t, t.constant(rows), vars);
      const std::vector<double> weights(size_t(last - first), -1.0 / double(e - b));
      const autodiff::Var loss = autodiff::weighted_sum(t, lq, weights);
      losses[size_t(c)] = t.value(loss)(0, 0);
      t.backward(loss);
    }
    double batch_loss = 0;
    for (long c = 0; c < slices; ++c) batch_loss += losses[size_t(c)];
    for (size_t i = 0; i < params.size(); ++i) {
      params[i]->grad = copies[0][i].grad;
      for (long c = 1; c < slices; ++c) params[i]->grad += copies[size_t(c)][i].grad;
    }
    total += batch_loss * double(e - b);
    optimizer_.step(params);
  }
  ++epochs_;
  if (!std::isfinite(total)) throw std::runtime_error("the flow's likelihood diverged (lower --lr)");
  return total / double(n);
}

}  // namespace physml::flows
