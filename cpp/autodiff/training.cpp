#include "autodiff/training.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "rng/xoshiro256.hpp"

namespace physml::autodiff {

namespace {

template <class S>
void check_data(const Network<S>& net, const Matrix<S>& X, const Targets<S>& y, Loss loss,
                const char* which) {
  const std::string w(which);
  if (X.cols() != net.input().features())
    throw std::invalid_argument(w + " data have " + std::to_string(X.cols()) +
                                " features; the network takes " + std::to_string(net.input().features()));
  if (y.size() != X.rows())
    throw std::invalid_argument(w + " data have " + std::to_string(X.rows()) + " rows but " +
                                std::to_string(y.size()) + " targets");
  if (!X.allFinite()) throw std::invalid_argument(w + " data contain NaN or infinite values");
  if (loss == Loss::MeanSquaredError) {
    if (y.values.cols() != net.outputs())
      throw std::invalid_argument("regression targets must have one column per network output");
    if (!y.values.allFinite()) throw std::invalid_argument(w + " targets contain NaN or infinite values");
    return;
  }
  const long classes = loss == Loss::BinaryCrossEntropy ? 2 : net.outputs();
  if (loss == Loss::BinaryCrossEntropy && net.outputs() != 1)
    throw std::invalid_argument("binary cross entropy needs a network with one output");
  for (int c : y.classes)
    if (c < 0 || c >= classes)
      throw std::invalid_argument("class label " + std::to_string(c) + " outside the network's " +
                                  std::to_string(classes) + " classes");
}

template <class S>
Targets<S> subset(const Targets<S>& y, const std::vector<long>& rows, long begin, long end) {
  Targets<S> out;
  if (!y.classes.empty()) {
    out.classes.resize(size_t(end - begin));
    for (long k = begin; k < end; ++k) out.classes[size_t(k - begin)] = y.classes[size_t(rows[size_t(k)])];
  } else {
    out.values.resize(end - begin, y.values.cols());
    for (long k = begin; k < end; ++k) out.values.row(k - begin) = y.values.row(rows[size_t(k)]);
  }
  return out;
}

template <class S>
Var data_loss(Tape<S>& t, Var out, const Targets<S>& y, Loss loss) {
  switch (loss) {
    case Loss::SoftmaxCrossEntropy: return softmax_cross_entropy(t, out, y.classes);
    case Loss::BinaryCrossEntropy: {
      std::vector<S> target(y.classes.begin(), y.classes.end());
      return binary_cross_entropy(t, out, target);
    }
    case Loss::MeanSquaredError: return mean_squared_error(t, out, y.values);
  }
  throw std::logic_error("loss");
}

// Accuracy, or the residual sum of squares for R^2, accumulated over batches.
template <class S>
struct Score {
  Loss loss;
  double hits = 0, residual = 0;
  long n = 0;
  void add(const Matrix<S>& out, const Targets<S>& y) {
    n += out.rows();
    for (long r = 0; r < out.rows(); ++r) {
      if (loss == Loss::SoftmaxCrossEntropy) {
        long best = 0;
        out.row(r).maxCoeff(&best);
        hits += best == y.classes[size_t(r)];
      } else if (loss == Loss::BinaryCrossEntropy) {
        hits += (out(r, 0) > 0) == (y.classes[size_t(r)] == 1);
      } else {
        residual += (out.row(r) - y.values.row(r)).template cast<double>().squaredNorm();
      }
    }
  }
  double value(const Targets<S>& all) const {
    if (loss != Loss::MeanSquaredError) return n ? hits / double(n) : 0.0;
    const Eigen::MatrixXd v = all.values.template cast<double>();
    const double total = (v.rowwise() - v.colwise().mean()).squaredNorm();
    return total > 0 ? 1.0 - residual / total : 0.0;
  }
};

template <class S>
std::vector<Var> attach(Tape<S>& t, std::vector<Parameter<S>>& params) {
  std::vector<Var> vars;
  for (auto& p : params) vars.push_back(t.parameter(p));
  return vars;
}

template <class S>
Var with_penalties(Tape<S>& t, Var loss, const std::vector<Parameter<S>>& params,
                   const std::vector<Var>& vars, const TrainOptions& opt) {
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].is_bias) continue;
    if (opt.l2 > 0) loss = add(t, loss, scale(t, l2_penalty(t, vars[i]), S(opt.l2)));
    if (opt.l1 > 0) loss = add(t, loss, scale(t, l1_penalty(t, vars[i]), S(opt.l1)));
  }
  return loss;
}

void check_options(const TrainOptions& o) {
  if (o.epochs < 1) throw std::invalid_argument("epochs must be >= 1");
  if (o.batch_size < 1) throw std::invalid_argument("batch size must be >= 1");
  if (!(o.settings.lr > 0) || !std::isfinite(o.settings.lr))
    throw std::invalid_argument("learning rate must be > 0");
  if (!(o.l1 >= 0) || !(o.l2 >= 0) || !(o.settings.weight_decay >= 0))
    throw std::invalid_argument("penalties and weight decay must be >= 0");
  if (!(o.settings.momentum >= 0 && o.settings.momentum < 1))
    throw std::invalid_argument("momentum must lie in [0, 1)");
  if (o.patience < 0) throw std::invalid_argument("patience must be >= 0");
}

}  // namespace

template <class S>
History train(Network<S>& net, const Matrix<S>& X, const Targets<S>& y, const Matrix<S>& X_val,
              const Targets<S>& y_val, const TrainOptions& opt) {
  check_options(opt);
  check_data(net, X, y, opt.loss, "training");
  if (X.rows() == 0) throw std::invalid_argument("no training data");
  const bool validate = X_val.rows() > 0;
  if (validate) check_data(net, X_val, y_val, opt.loss, "validation");
  auto& params = net.parameters();
  NetworkOptimizer<S> optimizer(opt.optimizer, opt.settings);
  Tape<S> t(opt.threads);
  History h;
  std::vector<Parameter<S>> best;
  double best_loss = INFINITY;
  int since_best = 0;
  const long n = X.rows(), batches = (n + opt.batch_size - 1) / opt.batch_size;
  std::vector<long> order(static_cast<size_t>(n));
  Matrix<S> xb;
  for (int epoch = 0; epoch < opt.epochs; ++epoch) {
    std::iota(order.begin(), order.end(), 0L);
    Xoshiro256 shuffle(make_key(opt.seed ^ 0x5B0FF1Eull), uint32_t(epoch));
    for (long i = n - 1; i > 0; --i) std::swap(order[size_t(i)], order[shuffle.below(uint32_t(i + 1))]);
    double loss_sum = 0;
    Score<S> score{opt.loss};
    for (long b = 0; b < batches; ++b) {
      const long begin = b * opt.batch_size, end = std::min(n, begin + opt.batch_size);
      xb.resize(end - begin, X.cols());
      for (long k = begin; k < end; ++k) xb.row(k - begin) = X.row(order[size_t(k)]);
      const Targets<S> yb = subset(y, order, begin, end);
      t.clear();
      const std::vector<Var> vars = attach(t, params);
      const Var out = net.forward(t, t.constant(xb), vars, true, opt.seed, uint64_t(epoch) * batches + b);
      const Var loss = data_loss(t, out, yb, opt.loss);
      loss_sum += double(t.value(loss)(0, 0)) * double(end - begin);
      score.add(t.value(out), yb);
      t.backward(with_penalties(t, loss, params, vars, opt));
      optimizer.step(params);
    }
    t.clear();
    h.train_loss.push_back(loss_sum / double(n));
    h.train_score.push_back(score.value(y));
    if (!validate) continue;
    const Evaluation ev = evaluate(net, X_val, y_val, opt.loss, opt.threads);
    h.val_loss.push_back(ev.loss);
    h.val_score.push_back(ev.score);
    if (ev.loss < best_loss) {
      best_loss = ev.loss;
      h.best_epoch = epoch;
      since_best = 0;
      if (opt.patience > 0) best = params;
    } else if (opt.patience > 0 && ++since_best >= opt.patience) {
      h.stopped_early = true;
      break;
    }
  }
  if (opt.patience > 0 && !best.empty()) {
    for (size_t i = 0; i < params.size(); ++i) params[i].value = best[i].value;
  }
  for (auto& p : params) p.grad.resize(0, 0);
  return h;
}

namespace {

// Forward passes in eval mode over chunks of rows, so memory stays bounded.
template <class S, class F>
void forward_chunks(const Network<S>& net, const Matrix<S>& X, int threads, F&& consume) {
  constexpr long kChunk = 2048;
  Tape<S> t(threads);
  Matrix<S> xc;
  for (long begin = 0; begin < X.rows(); begin += kChunk) {
    const long end = std::min(X.rows(), begin + kChunk);
    xc = X.middleRows(begin, end - begin);
    t.clear();
    std::vector<Var> vars;
    for (const auto& p : net.parameters()) vars.push_back(t.constant(p.value));
    const Var out = net.forward(t, t.constant(xc), vars, false, 0, 0);
    consume(t, out, begin, end);
  }
}

}  // namespace

template <class S>
Matrix<S> predict(const Network<S>& net, const Matrix<S>& X, Loss loss, int threads) {
  if (X.cols() != net.input().features())
    throw std::invalid_argument("data have " + std::to_string(X.cols()) + " features; the network takes " +
                                std::to_string(net.input().features()));
  if (!X.allFinite()) throw std::invalid_argument("data contain NaN or infinite values");
  Matrix<S> result(X.rows(), loss == Loss::BinaryCrossEntropy ? 2 : net.outputs());
  forward_chunks(net, X, threads, [&](Tape<S>& t, Var out, long begin, long end) {
    const Matrix<S>& Z = t.value(out);
    for (long r = 0; r < Z.rows(); ++r) {
      auto row = result.row(begin + r);
      if (loss == Loss::SoftmaxCrossEntropy) {
        row = (Z.row(r).array() - Z.row(r).maxCoeff()).exp().matrix();
        row /= row.sum();
      } else if (loss == Loss::BinaryCrossEntropy) {
        const double p1 = 1.0 / (1.0 + std::exp(-double(Z(r, 0))));
        row(0) = S(1.0 - p1);
        row(1) = S(p1);
      } else {
        row = Z.row(r);
      }
    }
    (void)end;
  });
  return result;
}

template <class S>
Evaluation evaluate(const Network<S>& net, const Matrix<S>& X, const Targets<S>& y, Loss loss,
                    int threads) {
  check_data(net, X, y, loss, "evaluation");
  Evaluation ev;
  if (X.rows() == 0) return ev;
  Score<S> score{loss};
  std::vector<long> all(size_t(X.rows()));
  std::iota(all.begin(), all.end(), 0L);
  double total = 0;
  forward_chunks(net, X, threads, [&](Tape<S>& t, Var out, long begin, long end) {
    const Targets<S> yc = subset(y, all, begin, end);
    total += double(t.value(data_loss(t, out, yc, loss))(0, 0)) * double(end - begin);
    score.add(t.value(out), yc);
  });
  ev.loss = total / double(X.rows());
  ev.score = score.value(y);
  return ev;
}

template <class S>
double loss_and_gradient(Network<S>& net, const Matrix<S>& X, const Targets<S>& y,
                         const TrainOptions& opt, bool training, uint64_t step) {
  check_data(net, X, y, opt.loss, "training");
  auto& params = net.parameters();
  for (auto& p : params) p.grad.resize(0, 0);
  Tape<S> t(opt.threads);
  const std::vector<Var> vars = attach(t, params);
  const Var out = net.forward(t, t.constant(X), vars, training, opt.seed, step);
  const Var loss = with_penalties(t, data_loss(t, out, y, opt.loss), params, vars, opt);
  const double value = double(t.value(loss)(0, 0));
  t.backward(loss);
  return value;
}

#define PHYSML_INSTANTIATE(S)                                                                     \
  template History train<S>(Network<S>&, const Matrix<S>&, const Targets<S>&, const Matrix<S>&,   \
                            const Targets<S>&, const TrainOptions&);                               \
  template Matrix<S> predict<S>(const Network<S>&, const Matrix<S>&, Loss, int);                  \
  template Evaluation evaluate<S>(const Network<S>&, const Matrix<S>&, const Targets<S>&, Loss, int); \
  template double loss_and_gradient<S>(Network<S>&, const Matrix<S>&, const Targets<S>&,          \
                                       const TrainOptions&, bool, uint64_t);
PHYSML_INSTANTIATE(float)
PHYSML_INSTANTIATE(double)
#undef PHYSML_INSTANTIATE

}  // namespace physml::autodiff
