#include "autodiff/ops.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "rng/philox.hpp"

namespace physml::autodiff {

namespace {

template <class S>
S sigmoid(S x) {
  if (x >= 0) return S(1) / (S(1) + std::exp(-x));
  const S e = std::exp(x);
  return e / (S(1) + e);
}

template <class S>
S softplus(S x) {
  return std::max(x, S(0)) + std::log1p(std::exp(-std::abs(x)));
}

template <class S>
void check_same_shape(const Matrix<S>& a, const Matrix<S>& b, const char* what) {
  if (a.rows() != b.rows() || a.cols() != b.cols())
    throw std::invalid_argument(std::string(what) + ": shapes differ");
}

}  // namespace

template <class S>
Var matmul(Tape<S>& t, Var x, Var W) {
  const Matrix<S>& X = t.value(x);
  const Matrix<S>& M = t.value(W);
  if (X.cols() != M.rows()) throw std::invalid_argument("matmul: inner dimensions differ");
  Matrix<S> y(X.rows(), M.cols());
  parallel_blocks(X.rows(), double(X.cols()) * double(M.cols()), t.threads(), [&](long b, long e) {
    y.middleRows(b, e - b).noalias() = X.middleRows(b, e - b) * M;
  });
  const bool needs = t.needs_grad(x) || t.needs_grad(W);
  return t.record(std::move(y), needs, [x, W](Tape<S>& t, Var, const Matrix<S>& dy) {
    const Matrix<S>& X = t.value(x);
    const Matrix<S>& M = t.value(W);
    if (Matrix<S>* dx = t.gradient(x))
      parallel_blocks(dy.rows(), double(dy.cols()) * double(M.rows()), t.threads(), [&](long b, long e) {
        dx->middleRows(b, e - b).noalias() += dy.middleRows(b, e - b) * M.transpose();
      });
    // dW = X^T dy is a sum over the batch: split it over W's rows so no block sums partials.
    if (Matrix<S>* dW = t.gradient(W))
      parallel_blocks(M.rows(), double(X.rows()) * double(dy.cols()), t.threads(), [&](long b, long e) {
        dW->middleRows(b, e - b).noalias() += X.middleCols(b, e - b).transpose() * dy;
      });
  });
}

template <class S>
Var masked_matmul(Tape<S>& t, Var x, Var W, const Matrix<S>& mask) {
  const Matrix<S>& X = t.value(x);
  check_same_shape(t.value(W), mask, "masked_matmul");
  if (X.cols() != mask.rows()) throw std::invalid_argument("masked_matmul: inner dimensions differ");
  auto M = std::make_shared<Matrix<S>>(t.value(W).cwiseProduct(mask));
  Matrix<S> y(X.rows(), M->cols());
  parallel_blocks(X.rows(), double(X.cols()) * double(M->cols()), t.threads(), [&](long b, long e) {
    y.middleRows(b, e - b).noalias() = X.middleRows(b, e - b) * *M;
  });
  const bool needs = t.needs_grad(x) || t.needs_grad(W);
  const Matrix<S>* m = &mask;
  return t.record(std::move(y), needs, [x, W, M, m](Tape<S>& t, Var, const Matrix<S>& dy) {
    const Matrix<S>& X = t.value(x);
    if (Matrix<S>* dx = t.gradient(x))
      parallel_blocks(dy.rows(), double(dy.cols()) * double(M->rows()), t.threads(), [&](long b, long e) {
        dx->middleRows(b, e - b).noalias() += dy.middleRows(b, e - b) * M->transpose();
      });
    if (Matrix<S>* dW = t.gradient(W))
      parallel_blocks(M->rows(), double(X.rows()) * double(dy.cols()), t.threads(), [&](long b, long e) {
        dW->middleRows(b, e - b).noalias() +=
            (X.middleCols(b, e - b).transpose() * dy).cwiseProduct(m->middleRows(b, e - b));
      });
  });
}

template <class S>
Var add_bias(Tape<S>& t, Var x, Var b) {
  const Matrix<S>& X = t.value(x);
  const Matrix<S>& B = t.value(b);
  if (B.rows() != 1 || B.cols() != X.cols()) throw std::invalid_argument("add_bias: bias shape");
  Matrix<S> y = X.rowwise() + B.row(0);
  const bool needs = t.needs_grad(x) || t.needs_grad(b);
  return t.record(std::move(y), needs, [x, b](Tape<S>& t, Var, const Matrix<S>& dy) {
    t.accumulate(x, dy);
    t.accumulate(b, dy.colwise().sum());
  });
}

template <class S>
void apply_activation(Activation a, const Eigen::Ref<const Matrix<S>>& x, Eigen::Ref<Matrix<S>> y) {
  const auto in = x.array();
  auto out = y.array();
  switch (a) {
    case Activation::Relu: out = in.max(S(0)); break;
    // through one exponential, which Eigen vectorises (its tanh is a scalar libm call for
    // double, and cost more than the products of a MADE layer)
    case Activation::Tanh: out = S(1) - S(2) / ((S(2) * in).exp() + S(1)); break;
    case Activation::Sigmoid: out = (S(1) + (-in).exp()).inverse(); break;
    case Activation::Softplus: out = in.max(S(0)) + (-in.abs()).exp().log1p(); break;
    case Activation::LogCosh:
      out = in.abs() + (S(-2) * in.abs()).exp().log1p() - S(0.69314718055994530942);
      break;
    case Activation::Identity: out = in; break;
  }
}

template <class S>
Var activate(Tape<S>& t, Var x, Activation a) {
  if (a == Activation::Identity) return x;
  const Matrix<S>& X = t.value(x);
  Matrix<S> y(X.rows(), X.cols());
  // Eigen's vectorised exp/tanh/log1p: scalar libm calls would cost as much as the GEMMs.
  parallel_blocks(X.rows(), 20.0 * double(X.cols()), t.threads(), [&](long b, long e) {
    apply_activation<S>(a, X.middleRows(b, e - b), y.middleRows(b, e - b));
  });
  return t.record(std::move(y), t.needs_grad(x), [x, a](Tape<S>& t, Var self, const Matrix<S>& dy) {
    Matrix<S>* dx = t.gradient(x);
    if (!dx) return;
    const Matrix<S>& X = t.value(x);
    const Matrix<S>& Y = t.value(self);
    parallel_blocks(X.rows(), 20.0 * double(X.cols()), t.threads(), [&](long b, long e) {
      const auto in = X.middleRows(b, e - b).array();
      const auto out = Y.middleRows(b, e - b).array();
      const auto g = dy.middleRows(b, e - b).array();
      auto d = dx->middleRows(b, e - b).array();
      switch (a) {
        case Activation::Relu: d += (in > S(0)).select(g, S(0)); break;
        case Activation::Tanh: d += g * (S(1) - out.square()); break;
        case Activation::Sigmoid: d += g * out * (S(1) - out); break;
        case Activation::Softplus: d += g * (S(1) + (-in).exp()).inverse(); break;
        case Activation::LogCosh: d += g * (S(1) - S(2) / ((S(2) * in).exp() + S(1))); break;
        case Activation::Identity: break;
      }
    });
  });
}

namespace {

// Source column in x of patch entry (offset, channel) around site `site`, with wrap-around.
struct Torus {
  int height, width, kernel, channels;
  long source(int site, int offset, int c) const {
    const int r = site / width, col = site % width, half = kernel / 2;
    const int rr = ((r + offset / kernel - half) % height + height) % height;
    const int cc = ((col + offset % kernel - half) % width + width) % width;
    return long(rr * width + cc) * channels + c;
  }
};

}  // namespace

template <class S>
Var conv2d_periodic(Tape<S>& t, Var x, Var W, Var b, int height, int width, int kernel) {
  const Matrix<S>& X = t.value(x);
  const Matrix<S>& K = t.value(W);
  const Matrix<S>& B = t.value(b);
  if (height < 1 || width < 1 || kernel < 1 || kernel % 2 == 0)
    throw std::invalid_argument("conv2d: kernel size must be odd and the lattice non-empty");
  const long sites = long(height) * width;
  if (X.cols() % sites != 0) throw std::invalid_argument("conv2d: input is not a lattice of that size");
  const int cin = int(X.cols() / sites);
  const long patch = long(kernel) * kernel * cin;
  if (K.rows() != patch || B.rows() != 1 || B.cols() != K.cols())
    throw std::invalid_argument("conv2d: kernel shape does not match the input channels");
  const Torus torus{height, width, kernel, cin};
  const long batch = X.rows();
  // im2col: one row per (sample, site), kept for the backward pass.
  auto patches = std::make_shared<Matrix<S>>(batch * sites, patch);
  parallel_blocks(batch, double(sites) * double(patch), t.threads(), [&](long s0, long s1) {
    for (long s = s0; s < s1; ++s)
      for (long i = 0; i < sites; ++i)
        for (int o = 0; o < kernel * kernel; ++o)
          for (int c = 0; c < cin; ++c)
            (*patches)(s * sites + i, long(o) * cin + c) = X(s, torus.source(int(i), o, c));
  });
  Matrix<S> y(batch, sites * K.cols());
  Eigen::Map<Matrix<S>> ymap(y.data(), batch * sites, K.cols());
  parallel_blocks(batch * sites, double(patch) * double(K.cols()), t.threads(), [&](long r0, long r1) {
    ymap.middleRows(r0, r1 - r0).noalias() = patches->middleRows(r0, r1 - r0) * K;
    ymap.middleRows(r0, r1 - r0).rowwise() += B.row(0);
  });
  const bool needs = t.needs_grad(x) || t.needs_grad(W) || t.needs_grad(b);
  return t.record(std::move(y), needs, [x, W, b, torus, sites, patch, patches](
                                           Tape<S>& t, Var, const Matrix<S>& dy) {
    const Matrix<S>& K = t.value(W);
    Eigen::Map<const Matrix<S>> g(dy.data(), dy.rows() * sites, K.cols());
    if (Matrix<S>* dK = t.gradient(W))
      parallel_blocks(patch, double(g.rows()) * double(K.cols()), t.threads(), [&](long c0, long c1) {
        dK->middleRows(c0, c1 - c0).noalias() += patches->middleCols(c0, c1 - c0).transpose() * g;
      });
    if (Matrix<S>* db = t.gradient(b)) *db += g.colwise().sum();
    if (Matrix<S>* dx = t.gradient(x)) {
      Matrix<S> dp(g.rows(), patch);
      parallel_blocks(g.rows(), double(patch) * double(K.cols()), t.threads(), [&](long r0, long r1) {
        dp.middleRows(r0, r1 - r0).noalias() = g.middleRows(r0, r1 - r0) * K.transpose();
      });
      // col2im: every sample scatters into its own row only.
      parallel_blocks(dy.rows(), double(sites) * double(patch), t.threads(), [&](long s0, long s1) {
        for (long s = s0; s < s1; ++s)
          for (long i = 0; i < sites; ++i)
            for (int o = 0; o < torus.kernel * torus.kernel; ++o)
              for (int c = 0; c < torus.channels; ++c)
                (*dx)(s, torus.source(int(i), o, c)) += dp(s * sites + i, long(o) * torus.channels + c);
      });
    }
  });
}

template <class S>
Var dropout(Tape<S>& t, Var x, double rate, uint64_t seed, uint64_t step) {
  if (!(rate >= 0.0 && rate < 1.0)) throw std::invalid_argument("dropout rate must lie in [0, 1)");
  const Matrix<S>& X = t.value(x);
  if (rate == 0.0) return x;
  const Key key = make_key(seed ^ 0xD40F0D40F0ull);
  const uint64_t threshold = uint64_t(rate * 4294967296.0);
  auto mask = std::make_shared<Matrix<S>>(X.rows(), X.cols());
  const S keep = S(1.0 / (1.0 - rate));
  parallel_blocks(X.rows(), 4.0 * double(X.cols()), t.threads(), [&](long r0, long r1) {
    for (long r = r0; r < r1; ++r)
      for (long c = 0; c < X.cols(); c += 4) {
        const Counter w = draw(key, uint32_t(c / 4), uint32_t(r), step);
        for (long k = 0; k < 4 && c + k < X.cols(); ++k) (*mask)(r, c + k) = w[k] < threshold ? S(0) : keep;
      }
  });
  Matrix<S> y = X.cwiseProduct(*mask);
  return t.record(std::move(y), t.needs_grad(x), [x, mask](Tape<S>& t, Var, const Matrix<S>& dy) {
    t.accumulate(x, dy.cwiseProduct(*mask));
  });
}

template <class S>
Var add(Tape<S>& t, Var a, Var b) {
  check_same_shape(t.value(a), t.value(b), "add");
  Matrix<S> y = t.value(a) + t.value(b);
  return t.record(std::move(y), t.needs_grad(a) || t.needs_grad(b),
                  [a, b](Tape<S>& t, Var, const Matrix<S>& dy) {
                    t.accumulate(a, dy);
                    t.accumulate(b, dy);
                  });
}

template <class S>
Var scale(Tape<S>& t, Var a, S factor) {
  Matrix<S> y = t.value(a) * factor;
  return t.record(std::move(y), t.needs_grad(a), [a, factor](Tape<S>& t, Var, const Matrix<S>& dy) {
    t.accumulate(a, dy * factor);
  });
}

template <class S>
Var multiply(Tape<S>& t, Var a, Var b) {
  check_same_shape(t.value(a), t.value(b), "multiply");
  Matrix<S> y = t.value(a).cwiseProduct(t.value(b));
  return t.record(std::move(y), t.needs_grad(a) || t.needs_grad(b),
                  [a, b](Tape<S>& t, Var, const Matrix<S>& dy) {
                    if (Matrix<S>* da = t.gradient(a)) *da += dy.cwiseProduct(t.value(b));
                    if (Matrix<S>* db = t.gradient(b)) *db += dy.cwiseProduct(t.value(a));
                  });
}

template <class S>
Var multiply_rows(Tape<S>& t, Var x, Var r) {
  const Matrix<S>& X = t.value(x);
  const Matrix<S>& R = t.value(r);
  if (R.rows() != 1 || R.cols() != X.cols()) throw std::invalid_argument("multiply_rows: row shape");
  Matrix<S> y = X.array().rowwise() * R.row(0).array();
  return t.record(std::move(y), t.needs_grad(x) || t.needs_grad(r),
                  [x, r](Tape<S>& t, Var, const Matrix<S>& dy) {
                    const Matrix<S>& R = t.value(r);
                    if (Matrix<S>* dx = t.gradient(x)) *dx += (dy.array().rowwise() * R.row(0).array()).matrix();
                    if (Matrix<S>* dr = t.gradient(r)) *dr += dy.cwiseProduct(t.value(x)).colwise().sum();
                  });
}

template <class S>
Var exponential(Tape<S>& t, Var x) {
  Matrix<S> y = t.value(x).array().exp().matrix();
  // the output is its own derivative
  return t.record(std::move(y), t.needs_grad(x), [x](Tape<S>& t, Var self, const Matrix<S>& dy) {
    t.accumulate(x, dy.cwiseProduct(t.value(self)));
  });
}

template <class S>
Var columns(Tape<S>& t, Var x, long first, long count) {
  const Matrix<S>& X = t.value(x);
  if (first < 0 || count < 0 || first + count > X.cols()) throw std::invalid_argument("columns: out of range");
  Matrix<S> y = X.middleCols(first, count);
  return t.record(std::move(y), t.needs_grad(x), [x, first, count](Tape<S>& t, Var, const Matrix<S>& dy) {
    if (Matrix<S>* dx = t.gradient(x)) dx->middleCols(first, count) += dy;
  });
}

template <class S>
Var row_sum(Tape<S>& t, Var x) {
  Matrix<S> y = t.value(x).rowwise().sum();
  return t.record(std::move(y), t.needs_grad(x), [x](Tape<S>& t, Var, const Matrix<S>& dy) {
    if (Matrix<S>* dx = t.gradient(x)) *dx += dy.col(0).replicate(1, dx->cols());
  });
}

template <class S>
Var softmax_cross_entropy(Tape<S>& t, Var logits, const std::vector<int>& labels) {
  const Matrix<S>& Z = t.value(logits);
  if (long(labels.size()) != Z.rows()) throw std::invalid_argument("one label per row is needed");
  auto prob = std::make_shared<Matrix<S>>(Z.rows(), Z.cols());
  double loss = 0;
  for (long r = 0; r < Z.rows(); ++r) {
    if (labels[size_t(r)] < 0 || labels[size_t(r)] >= Z.cols())
      throw std::invalid_argument("label outside the network's classes");
    const S zmax = Z.row(r).maxCoeff();
    prob->row(r) = (Z.row(r).array() - zmax).exp();
    const S total = prob->row(r).sum();
    prob->row(r) /= total;
    loss += double(zmax) + std::log(double(total)) - double(Z(r, labels[size_t(r)]));
  }
  Matrix<S> y(1, 1);
  y(0, 0) = S(loss / double(Z.rows()));
  return t.record(std::move(y), t.needs_grad(logits),
                  [logits, labels, prob](Tape<S>& t, Var, const Matrix<S>& dy) {
                    Matrix<S> d = *prob;
                    for (size_t r = 0; r < labels.size(); ++r) d(long(r), labels[r]) -= S(1);
                    t.accumulate(logits, d * (dy(0, 0) / S(labels.size())));
                  });
}

template <class S>
Var binary_cross_entropy(Tape<S>& t, Var logits, const std::vector<S>& targets) {
  const Matrix<S>& Z = t.value(logits);
  if (Z.cols() != 1 || long(targets.size()) != Z.rows())
    throw std::invalid_argument("binary cross entropy needs one logit and one target per row");
  double loss = 0;
  for (long r = 0; r < Z.rows(); ++r)
    loss += double(softplus(Z(r, 0))) - double(targets[size_t(r)]) * double(Z(r, 0));
  Matrix<S> y(1, 1);
  y(0, 0) = S(loss / double(Z.rows()));
  return t.record(std::move(y), t.needs_grad(logits),
                  [logits, targets](Tape<S>& t, Var, const Matrix<S>& dy) {
                    const Matrix<S>& Z = t.value(logits);
                    Matrix<S> d(Z.rows(), 1);
                    for (long r = 0; r < Z.rows(); ++r) d(r, 0) = sigmoid(Z(r, 0)) - targets[size_t(r)];
                    t.accumulate(logits, d * (dy(0, 0) / S(Z.rows())));
                  });
}

template <class S>
Var mean_squared_error(Tape<S>& t, Var prediction, const Matrix<S>& target) {
  const Matrix<S>& P = t.value(prediction);
  check_same_shape(P, target, "mean squared error");
  auto diff = std::make_shared<Matrix<S>>(P - target);
  Matrix<S> y(1, 1);
  y(0, 0) = S(diff->template cast<double>().squaredNorm() / double(P.size()));
  return t.record(std::move(y), t.needs_grad(prediction),
                  [prediction, diff](Tape<S>& t, Var, const Matrix<S>& dy) {
                    t.accumulate(prediction, *diff * (S(2) * dy(0, 0) / S(diff->size())));
                  });
}

template <class S>
Var bernoulli_log_prob(Tape<S>& t, Var logits, const Matrix<S>& spins) {
  const Matrix<S>& Z = t.value(logits);
  check_same_shape(Z, spins, "bernoulli_log_prob");
  // log sigmoid(x) = min(x, 0) - log1p(exp(-|x|)) for x = s z, in Eigen's vectorised exp and
  // log1p (a scalar loop costs more than the network's products)
  auto e = std::make_shared<Matrix<S>>(Z.rows(), Z.cols());  // exp(-|s z|), for the backward
  Matrix<S> y(Z.rows(), 1);
  parallel_blocks(Z.rows(), 20.0 * double(Z.cols()), t.threads(), [&](long b, long end) {
    const auto x = (spins.middleRows(b, end - b).array() * Z.middleRows(b, end - b).array()).eval();
    auto ex = e->middleRows(b, end - b).array();
    ex = (-x.abs()).exp();
    y.middleRows(b, end - b) = (x.min(S(0)) - ex.log1p()).matrix().rowwise().sum();
  });
  const Matrix<S>* s = &spins;
  return t.record(std::move(y), t.needs_grad(logits), [logits, s, e](Tape<S>& t, Var, const Matrix<S>& dy) {
    const Matrix<S>& Z = t.value(logits);
    // d/dz log sigmoid(s z) = s sigmoid(-s z); sigmoid(-x) = e/(1+e) for x >= 0, 1/(1+e) else
    Matrix<S> d(Z.rows(), Z.cols());
    parallel_blocks(Z.rows(), 20.0 * double(Z.cols()), t.threads(), [&](long b, long end) {
      const auto sp = s->middleRows(b, end - b).array();
      const auto x = (sp * Z.middleRows(b, end - b).array()).eval();
      const auto ex = e->middleRows(b, end - b).array();
      const auto sig = (x >= S(0)).select(ex / (S(1) + ex), S(1) / (S(1) + ex));
      d.middleRows(b, end - b) = (sp * sig).matrix();
      d.middleRows(b, end - b).array().colwise() *= dy.middleRows(b, end - b).col(0).array();
    });
    t.accumulate(logits, d);
  });
}

template <class S>
Var weighted_sum(Tape<S>& t, Var x, const std::vector<S>& weights) {
  const Matrix<S>& X = t.value(x);
  if (X.cols() != 1 || long(weights.size()) != X.rows())
    throw std::invalid_argument("weighted_sum needs a column and one weight per row");
  Matrix<S> y(1, 1);
  y(0, 0) = 0;
  for (long r = 0; r < X.rows(); ++r) y(0, 0) += weights[size_t(r)] * X(r, 0);
  return t.record(std::move(y), t.needs_grad(x), [x, weights](Tape<S>& t, Var, const Matrix<S>& dy) {
    Matrix<S> d(long(weights.size()), 1);
    for (size_t r = 0; r < weights.size(); ++r) d(long(r), 0) = weights[r] * dy(0, 0);
    t.accumulate(x, d);
  });
}

template <class S>
Var l2_penalty(Tape<S>& t, Var w) {
  Matrix<S> y(1, 1);
  y(0, 0) = S(0.5) * t.value(w).squaredNorm();
  return t.record(std::move(y), t.needs_grad(w), [w](Tape<S>& t, Var, const Matrix<S>& dy) {
    t.accumulate(w, t.value(w) * dy(0, 0));
  });
}

template <class S>
Var l1_penalty(Tape<S>& t, Var w) {
  Matrix<S> y(1, 1);
  y(0, 0) = t.value(w).cwiseAbs().sum();
  return t.record(std::move(y), t.needs_grad(w), [w](Tape<S>& t, Var, const Matrix<S>& dy) {
    t.accumulate(w, t.value(w).array().sign().matrix() * dy(0, 0));
  });
}

#define PHYSML_INSTANTIATE(S)                                                                  \
  template Var matmul<S>(Tape<S>&, Var, Var);                                                  \
  template Var masked_matmul<S>(Tape<S>&, Var, Var, const Matrix<S>&);                         \
  template Var bernoulli_log_prob<S>(Tape<S>&, Var, const Matrix<S>&);                         \
  template Var weighted_sum<S>(Tape<S>&, Var, const std::vector<S>&);                          \
  template Var add_bias<S>(Tape<S>&, Var, Var);                                                \
  template Var activate<S>(Tape<S>&, Var, Activation);                                         \
  template void apply_activation<S>(Activation, const Eigen::Ref<const Matrix<S>>&, Eigen::Ref<Matrix<S>>); \
  template Var conv2d_periodic<S>(Tape<S>&, Var, Var, Var, int, int, int);                     \
  template Var dropout<S>(Tape<S>&, Var, double, uint64_t, uint64_t);                          \
  template Var add<S>(Tape<S>&, Var, Var);                                                     \
  template Var scale<S>(Tape<S>&, Var, S);                                                     \
  template Var multiply<S>(Tape<S>&, Var, Var);                                                \
  template Var multiply_rows<S>(Tape<S>&, Var, Var);                                           \
  template Var exponential<S>(Tape<S>&, Var);                                                  \
  template Var columns<S>(Tape<S>&, Var, long, long);                                          \
  template Var row_sum<S>(Tape<S>&, Var);                                                      \
  template Var softmax_cross_entropy<S>(Tape<S>&, Var, const std::vector<int>&);               \
  template Var binary_cross_entropy<S>(Tape<S>&, Var, const std::vector<S>&);                  \
  template Var mean_squared_error<S>(Tape<S>&, Var, const Matrix<S>&);                         \
  template Var l2_penalty<S>(Tape<S>&, Var);                                                   \
  template Var l1_penalty<S>(Tape<S>&, Var);
PHYSML_INSTANTIATE(float)
PHYSML_INSTANTIATE(double)
#undef PHYSML_INSTANTIATE

}  // namespace physml::autodiff
