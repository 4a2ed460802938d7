#include "autoregressive/made.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "rng/philox.hpp"

namespace physml::autoregressive {

using autodiff::Tape;
using autodiff::Var;

namespace {

constexpr uint32_t kInitStream = 0xAD0u;

}  // namespace

Made::Made(int n_sites, int depth, int width, autodiff::Activation activation, uint64_t seed)
    : n_(n_sites), width_(width), activation_(activation) {
  if (n_sites < 2) throw std::invalid_argument("an autoregressive network needs at least 2 sites");
  if (depth < 1) throw std::invalid_argument("--depth must be >= 1");
  if (width < 1) throw std::invalid_argument("--width must be >= 1");
  const double h = double(n_sites) * width;
  const double weights = depth == 1 ? double(n_sites) * n_sites
                                    : 2 * double(n_sites) * h + (depth - 2) * h * h;
  if (weights > 2e9) throw std::invalid_argument("the network would have more than 2e9 weights");
  const long hidden = long(n_sites) * width;
  // Degrees: input j has j, hidden unit u has u / width, output i feeds on degrees < i.
  auto degree = [&](size_t layer_input, long unit) { return layer_input == 0 ? unit : unit / width; };
  const Key key = make_key(seed ^ 0x9E3779B97F4A7C15ull);  // not the sampler's streams
  long drawn = 0;
  for (int l = 0; l < depth; ++l) {
    const bool top = l == depth - 1;
    const long in = l == 0 ? n_sites : hidden, out = top ? n_sites : hidden;
    Matrix<double> mask(in, out);
    for (long a = 0; a < in; ++a)
      for (long b = 0; b < out; ++b) {
        const long din = degree(size_t(l), a);
        mask(a, b) = top ? (b > din) : (b / width >= din);
      }
    // PyTorch's nn.Linear initialisation: U(-1/sqrt(in), 1/sqrt(in)) for weights and biases.
    const double bound = 1.0 / std::sqrt(double(in));
    auto uniform = [&] {
      const Counter c = draw(key, uint32_t(drawn), kInitStream, uint64_t(drawn) >> 32);
      ++drawn;
      return bound * (2.0 * to_unit(c[0], c[1]) - 1.0);
    };
    autodiff::Parameter<double> W, b;
    W.value.resize(in, out);
    for (long a = 0; a < in; ++a)
      for (long c = 0; c < out; ++c) W.value(a, c) = mask(a, c) != 0 ? uniform() : 0.0;
    b.value.resize(1, out);
    for (long c = 0; c < out; ++c) b.value(0, c) = uniform();
    b.is_bias = true;
    layers_.push_back(std::move(W));
    layers_.push_back(std::move(b));
    masks_.push_back(std::move(mask));
  }
}

void Made::set_sector(int n_up) {
  if (n_up < -1 || n_up > n_) throw std::invalid_argument("the sector's up spins must be in 0..N (or -1: none)");
  n_up_ = n_up;
}

Matrix<double> Made::forced_sites(const Matrix<double>& s, std::vector<bool>* contradicts) const {
  Matrix<double> f = Matrix<double>::Zero(s.rows(), s.cols());
  if (contradicts) contradicts->assign(size_t(s.rows()), false);
  if (n_up_ < 0) return f;
  for (long r = 0; r < s.rows(); ++r) {
    int ups = 0;
    for (long i = 0; i < n_; ++i) {
      const int downs = int(i) - ups;
      const double forced = ups == n_up_ ? -1.0 : downs == n_ - n_up_ ? 1.0 : 0.0;
      if (forced != 0.0) {
        f(r, i) = 1.0;
        if (contradicts && s(r, i) != forced) (*contradicts)[size_t(r)] = true;
      }
      ups += s(r, i) > 0;
    }
  }
  return f;
}

long Made::n_params() const {
  long n = 0;
  for (const auto& p : layers_) n += p.value.size();
  return n;
}

Eigen::VectorXd Made::parameters() const {
  Eigen::VectorXd out(n_params());
  long k = 0;
  for (const auto& p : layers_) {
    std::copy(p.value.data(), p.value.data() + p.value.size(), out.data() + k);
    k += p.value.size();
  }
  return out;
}

void Made::set_parameters(const Eigen::VectorXd& v) {
  if (v.size() != n_params()) throw std::invalid_argument("the parameters do not fit the network");
  long k = 0;
  for (size_t l = 0; l < layers_.size(); ++l) {
    auto& p = layers_[l];
    std::copy(v.data() + k, v.data() + k + p.value.size(), p.value.data());
    k += p.value.size();
    if (l % 2 == 0) p.value = p.value.cwiseProduct(masks_[l / 2]);  // masked weights stay zero
  }
}

Var Made::forward(Tape<double>& t, Var x, const std::vector<Var>& p) const {
  for (size_t l = 0; l < masks_.size(); ++l) {
    x = autodiff::add_bias(t, autodiff::masked_matmul(t, x, p[2 * l], masks_[l]), p[2 * l + 1]);
    if (l + 1 < masks_.size()) x = autodiff::activate(t, x, activation_);
  }
  return x;
}

Matrix<double> Made::logits(const Matrix<double>& s, int threads) const {
  if (s.cols() != n_) throw std::invalid_argument("configurations do not match the network's sites");
  Tape<double> t(threads);
  std::vector<Var> p;
  for (const auto& q : layers_) p.push_back(t.constant(q.value));
  return t.value(forward(t, t.constant(s), p));
}

Eigen::VectorXd Made::log_prob(const Matrix<double>& s, int threads) const {
  const Matrix<double> z = logits(s, threads);
  const auto x = (s.array() * z.array()).eval();
  if (n_up_ < 0) return (x.min(0.0) - (-x.abs()).exp().log1p()).matrix().rowwise().sum();
  std::vector<bool> outside;
  const Matrix<double> forced = forced_sites(s, &outside);
  Eigen::VectorXd out = ((x.min(0.0) - (-x.abs()).exp().log1p()) * (1.0 - forced.array())).matrix().rowwise().sum();
  for (long r = 0; r < s.rows(); ++r)
    if (outside[size_t(r)]) out[r] = -std::numeric_limits<double>::infinity();
  return out;
}

Eigen::VectorXd Made::mixture_log_prob(const Matrix<double>& s, int threads) const {
  const long R = s.rows();
  Matrix<double> both(2 * R, n_);
  both.topRows(R) = s;
  both.bottomRows(R) = -s;
  const Eigen::VectorXd lp = log_prob(both, threads);
  Eigen::VectorXd out(R);
  for (long r = 0; r < R; ++r) out[r] = log_add_exp(lp[r], lp[R + r]) - std::log(2.0);
  return out;
}

Eigen::VectorXd Made::weighted_gradient(const Matrix<double>& s, const std::vector<double>& w, int threads,
                                        Eigen::VectorXd& log_q) {
  if (s.cols() != n_) throw std::invalid_argument("configurations do not match the network's sites");
  Tape<double> t(threads);
  std::vector<Var> p;
  for (auto& q : layers_) {
    q.grad.setZero(q.value.rows(), q.value.cols());
    p.push_back(t.parameter(q));
  }
  Var z = forward(t, t.constant(s), p);
  Matrix<double> certain;
  if (n_up_ >= 0) {
    // A forced site's logit is pushed to s z = 1e30, where log sigmoid is exactly 0 and its
    // derivative exactly 0: the site drops out of log q and of the gradient.
    certain = forced_sites(s).cwiseProduct(s) * 1e30;
    z = autodiff::add(t, z, t.constant(certain));
  }
  const Var lp = autodiff::bernoulli_log_prob(t, z, s);
  t.backward(autodiff::weighted_sum(t, lp, w));
  log_q = t.value(lp).col(0);
  Eigen::VectorXd out(n_params());
  long k = 0;
  for (const auto& q : layers_) {
    std::copy(q.grad.data(), q.grad.data() + q.grad.size(), out.data() + k);
    k += q.grad.size();
  }
  return out;
}

long Made::first_fed(size_t l, int k) const {
  return l + 1 == masks_.size() ? k + 1 : long(k) * width_;
}

bool Made::mixture_flip(uint64_t seed, uint64_t step, uint32_t row) const {
  return (draw(make_key(seed), uint32_t(n_), row, step)[0] & 1u) != 0;
}

void Made::sample(long rows, uint64_t seed, uint64_t step, int threads, Matrix<double>& s,
                  Eigen::VectorXd& log_q, uint32_t first_row) const {
  if (rows < 1) throw std::invalid_argument("at least one sample is needed");
  s.resize(rows, n_);
  log_q.resize(rows);
  const Key key = make_key(seed);
  const size_t depth = masks_.size();
  const long w = width_;
  autodiff::parallel_blocks(rows, double(n_params()) / 2, threads, [&](long r0, long r1) {
    const long R = r1 - r0;
    // Pre-activations of every layer's outputs, complete for a unit once all units below it
    // of lower or equal degree have been added; hidden activations as they become final.
    std::vector<Matrix<double>> pre(depth), act(depth - 1);
    for (size_t l = 0; l < depth; ++l) pre[l] = layers_[2 * l + 1].value.replicate(R, 1);
    for (size_t l = 0; l + 1 < depth; ++l) act[l].resize(R, pre[l].cols());
    Eigen::VectorXd lq = Eigen::VectorXd::Zero(R);
    std::vector<int> ups(static_cast<size_t>(R), 0);
    for (int i = 0; i < n_; ++i) {
      for (long r = 0; r < R; ++r) {
        if (n_up_ >= 0 && (ups[size_t(r)] == n_up_ || i - ups[size_t(r)] == n_ - n_up_)) {
          s(r0 + r, i) = ups[size_t(r)] == n_up_ ? -1.0 : 1.0;  // the sector decides
          ups[size_t(r)] += s(r0 + r, i) > 0;
          continue;
        }
        const double z = pre[depth - 1](r, i);
        const Counter c = draw(key, uint32_t(i), first_row + uint32_t(r0 + r), step);
        // q(+1) = sigmoid(z) from e = exp(-|z|) without overflow; log sigmoid(s z) =
        // min(s z, 0) - log1p(e)
        const double e = std::exp(-std::abs(z)), p = z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
        const double spin = to_unit(c[0], c[1]) < p ? 1.0 : -1.0;
        s(r0 + r, i) = spin;
        ups[size_t(r)] += spin > 0;
        lq[r] += std::min(spin * z, 0.0) - std::log1p(e);
      }
      if (i + 1 == n_) break;
      // Site i is known: its column feeds the first layer's units of degree >= i (or > i).
      const long from0 = first_fed(0, i), cols0 = pre[0].cols() - from0;
      if (cols0 > 0)
        pre[0].rightCols(cols0).noalias() +=
            s.block(r0, i, R, 1) * layers_[0].value.block(i, from0, 1, cols0);
      // Units of degree i below the top are now final: activate them and feed the next layer.
      for (size_t l = 1; l < depth; ++l) {
        auto done = pre[l - 1].middleCols(long(i) * w, w);
        autodiff::apply_activation<double>(activation_, done, act[l - 1].middleCols(long(i) * w, w));
        const long from = first_fed(l, i), cols = pre[l].cols() - from;
        if (cols > 0)
          pre[l].rightCols(cols).noalias() +=
              act[l - 1].middleCols(long(i) * w, w) * layers_[2 * l].value.block(long(i) * w, from, w, cols);
      }
    }
    log_q.segment(r0, R) = lq;
  });
}

}  // namespace physml::autoregressive
