#include "rbm/rbm.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "rng/philox.hpp"
#include "rng/xoshiro256.hpp"

namespace physml {

namespace {

enum class Draw : uint32_t { Hidden = 1, Visible = 2, Init = 3, Shuffle = 4, Flip = 5 };

// A uniform number in (0, 1) for (purpose, chain, step, unit): four units share one
// Philox block, so a layer of n units costs n / 4 block evaluations.
struct Uniforms {
  Key key;
  Counter block(Draw purpose, uint32_t chain, uint64_t step, uint32_t unit) const {
    return philox4x32(
        {unit / 4, chain, uint32_t(step), (uint32_t(purpose) << 24) ^ uint32_t(step >> 32)}, key);
  }
  double at(Draw purpose, uint32_t chain, uint64_t step, uint32_t unit) const {
    return to_open_unit(block(purpose, chain, step, unit)[unit % 4]);
  }
  static double to_open_unit(uint32_t w) { return (double(w) + 0.5) * (1.0 / 4294967296.0); }
  // U(r, j) = at(purpose, chain0 + r, step, j), one Philox block per four units.
  void fill(Eigen::MatrixXd& U, Draw purpose, uint32_t chain0, uint64_t step) const {
    for (Eigen::Index r = 0; r < U.rows(); ++r)
      for (Eigen::Index j = 0; j < U.cols(); j += 4) {
        const Counter c = block(purpose, chain0 + uint32_t(r), step, uint32_t(j));
        for (Eigen::Index k = 0; k < 4 && j + k < U.cols(); ++k) U(r, j + k) = to_open_unit(c[k]);
      }
  }
};

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double softplus(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }
// log(2 cosh x)
double log2cosh(double x) { return std::abs(x) + std::log1p(std::exp(-2.0 * std::abs(x))); }

struct Units {
  bool pm;
  double off() const { return pm ? -1.0 : 0.0; }
  double p_on(double x) const { return sigmoid(pm ? 2.0 * x : x); }  // P(unit on | field x)
  double mean(double x) const { return pm ? std::tanh(x) : sigmoid(x); }
  double log_sum(double x) const { return pm ? log2cosh(x) : softplus(x); }  // log sum_u e^{u x}
};

// 0/1 units also accept grey values in [0, 1], read as probabilities (as scikit-learn's
// BernoulliRBM does); +-1 units need +-1 data.
void check_data(const Eigen::MatrixXd& X, bool pm) {
  if (X.rows() == 0 || X.cols() == 0) throw std::invalid_argument("no training data");
  for (Eigen::Index i = 0; i < X.size(); ++i) {
    const double v = X.data()[i];
    if (pm ? !(v == 1.0 || v == -1.0) : !(v >= 0.0 && v <= 1.0))
      throw std::invalid_argument(pm ? "RBM data must be +-1" : "RBM data must lie in [0, 1]");
  }
}

// Whole-array logistic function, which Eigen vectorizes (exp included).
Eigen::ArrayXXd logistic(const Eigen::ArrayXXd& x) { return (1.0 + (-x).exp()).inverse(); }

// Sample a layer from its fields, row r of the batch being chain `chain0 + r`.
void sample_layer(const Eigen::MatrixXd& field, Eigen::MatrixXd& out, const Units& u,
                  const Uniforms& rng, Draw purpose, uint32_t chain0, uint64_t step) {
  Eigen::MatrixXd U(field.rows(), field.cols());
  rng.fill(U, purpose, chain0, step);
  const Eigen::ArrayXXd p_on = logistic(u.pm ? (2.0 * field.array()).eval() : field.array().eval());
  out = (U.array() < p_on).select(Eigen::ArrayXXd::Constant(field.rows(), field.cols(), 1.0),
                                  Eigen::ArrayXXd::Constant(field.rows(), field.cols(), u.off()))
            .matrix();
}

Eigen::MatrixXd hidden_field(const Rbm& m, const Eigen::MatrixXd& V) {
  return (V * m.W).rowwise() + m.c.transpose();
}
Eigen::MatrixXd visible_field(const Rbm& m, const Eigen::MatrixXd& H) {
  return (H * m.W.transpose()).rowwise() + m.b.transpose();
}

Eigen::MatrixXd apply_mean(const Eigen::MatrixXd& field, const Units& u) {
  if (u.pm) return field.array().tanh().matrix();
  return logistic(field.array()).matrix();
}

double log_sum_exp(const std::vector<double>& x) {
  const double top = *std::max_element(x.begin(), x.end());
  if (!std::isfinite(top)) return top;
  double s = 0.0;
  for (double v : x) s += std::exp(v - top);
  return top + std::log(s);
}

}  // namespace

Rbm make_rbm(const Eigen::MatrixXd& W, const Eigen::VectorXd& b, const Eigen::VectorXd& c,
             bool plus_minus) {
  if (b.size() != W.rows() || c.size() != W.cols())
    throw std::invalid_argument("RBM biases do not match the weight matrix");
  if (!W.allFinite() || !b.allFinite() || !c.allFinite())
    throw std::invalid_argument("RBM parameters contain NaN or infinite values");
  Rbm m;
  m.W = W;
  m.b = b;
  m.c = c;
  m.plus_minus = plus_minus;
  return m;
}

Rbm train_rbm(const Eigen::MatrixXd& data, const RbmTraining& opt, bool pm) {
  check_data(data, pm);
  if (opt.hidden < 1 || opt.cd_k < 1 || opt.epochs < 0 || opt.batch_size < 1)
    throw std::invalid_argument("hidden, cd_k and batch_size must be >= 1, epochs >= 0");
  if (!(opt.learning_rate > 0) || !(opt.momentum >= 0 && opt.momentum < 1) || !(opt.l2 >= 0))
    throw std::invalid_argument("need learning rate > 0, 0 <= momentum < 1, l2 >= 0");
  // Training runs in single precision, as is usual for RBMs (and as scikit-learn does on
  // float32 data): twice the SIMD width. Likelihoods are computed in double afterwards.
  using MatF = Eigen::MatrixXf;
  using VecF = Eigen::VectorXf;
  using RowsF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Uniforms rng{make_key(opt.seed)};
  const long n = data.rows(), nv = data.cols(), nh = opt.hidden;
  const float off = pm ? -1.0f : 0.0f;
  const RowsF X = data.cast<float>();
  MatF W(nv, nh);
  // small random couplings (Hinton's guide: N(0, 0.01^2)), zero biases
  for (long i = 0; i < nv; ++i)
    for (long j = 0; j < nh; ++j) {
      const double a = rng.at(Draw::Init, uint32_t(i), 0, uint32_t(2 * j));
      const double b2 = rng.at(Draw::Init, uint32_t(i), 0, uint32_t(2 * j + 1));
      W(i, j) = float(0.01 * std::sqrt(-2.0 * std::log(a)) * std::cos(2.0 * M_PI * b2));
    }
  VecF b = VecF::Zero(nv), c = VecF::Zero(nh);
  MatF vel_W = MatF::Zero(nv, nh), gW(nv, nh);
  VecF vel_b = VecF::Zero(nv), vel_c = VecF::Zero(nh);
  const long B = std::min<long>(opt.batch_size, n);
  MatF chains(B, nv);  // persistent chains start from random visible states
  for (long r = 0; r < B; ++r)
    for (long i = 0; i < nv; ++i)
      chains(r, i) = rng.at(Draw::Init, uint32_t(r), 1, uint32_t(i)) < 0.5 ? 1.0f : off;
  MatF V0(B, nv), Vk(B, nv), F(B, nh), H0m(B, nh), Hkm(B, nh), H(B, nh), Fv(B, nv);
  Eigen::ArrayXXf Uh(B, nh), Uv(B, nv);
  // Training is sequential, so one fast stream serves all its Gibbs steps; two 24-bit
  // uniforms come from each 64-bit word.
  Xoshiro256 gibbs(make_key(opt.seed), 0x61BB5u);
  auto fill = [&](Eigen::ArrayXXf& U) {
    float* u = U.data();
    const Eigen::Index size = U.size();
    for (Eigen::Index k = 0; k < size; k += 2) {
      const uint64_t w = gibbs.next();
      u[k] = (float(w >> 40) + 0.5f) * (1.0f / 16777216.0f);
      if (k + 1 < size) u[k + 1] = (float((w >> 8) & 0xFFFFFFu) + 0.5f) * (1.0f / 16777216.0f);
    }
  };
  // P(on | field) and E[unit | field], whole arrays at a time
  auto p_on = [&](const MatF& f) -> Eigen::ArrayXXf {
    const float k = pm ? -2.0f : -1.0f;
    return (1.0f + (k * f.array()).exp()).inverse();
  };
  auto mean = [&](const MatF& f) -> MatF {
    if (pm) return f.array().tanh().matrix();
    return (1.0f + (-f.array()).exp()).inverse().matrix();
  };
  std::vector<long> order(n);
  const float lr = float(opt.learning_rate), mom = float(opt.momentum), l2 = float(opt.l2);
  const float scale = 1.0f / float(B);
  for (int epoch = 0; epoch < opt.epochs; ++epoch) {
    std::iota(order.begin(), order.end(), 0);
    for (long i = n - 1; i > 0; --i)
      std::swap(order[i], order[long(rng.at(Draw::Shuffle, uint32_t(epoch), 0, uint32_t(i)) * double(i + 1))]);
    for (long start = 0; start + B <= n; start += B) {
      for (long r = 0; r < B; ++r) V0.row(r) = X.row(order[start + r]);
      F.noalias() = V0 * W;
      F.rowwise() += c.transpose();
      H0m = mean(F);
      // negative phase: k Gibbs steps from the data (CD) or from the persistent chains (PCD)
      if (opt.persistent) {
        Vk = chains;
        F.noalias() = Vk * W;
        F.rowwise() += c.transpose();
      } else {
        Vk = V0;
      }
      for (int step = 0; step < opt.cd_k; ++step) {
        fill(Uh);
        H = (Uh < p_on(F)).select(1.0f, Eigen::ArrayXXf::Constant(B, nh, off)).matrix();
        Fv.noalias() = H * W.transpose();
        Fv.rowwise() += b.transpose();
        fill(Uv);
        Vk = (Uv < p_on(Fv)).select(1.0f, Eigen::ArrayXXf::Constant(B, nv, off)).matrix();
        F.noalias() = Vk * W;
        F.rowwise() += c.transpose();
      }
      Hkm = mean(F);
      if (opt.persistent) chains = Vk;
      gW.noalias() = V0.transpose() * H0m;
      gW.noalias() -= Vk.transpose() * Hkm;
      vel_W = mom * vel_W + lr * (scale * gW - l2 * W);
      vel_b = mom * vel_b + (lr * scale) * (V0 - Vk).colwise().sum().transpose();
      vel_c = mom * vel_c + (lr * scale) * (H0m - Hkm).colwise().sum().transpose();
      W += vel_W;
      b += vel_b;
      c += vel_c;
    }
  }
  Rbm m;
  m.plus_minus = pm;
  m.W = W.cast<double>();
  m.b = b.cast<double>();
  m.c = c.cast<double>();
  return m;
}

Eigen::VectorXd free_energy(const Rbm& m, const Eigen::MatrixXd& V) {
  if (V.cols() != m.n_visible()) throw std::invalid_argument("data has the wrong number of visible units");
  const Units u{m.plus_minus};
  const Eigen::MatrixXd F = hidden_field(m, V);
  Eigen::VectorXd out = -(V * m.b);
  for (Eigen::Index r = 0; r < V.rows(); ++r)
    for (Eigen::Index j = 0; j < F.cols(); ++j) out(r) -= u.log_sum(F(r, j));
  return out;
}

double exact_log_partition(const Rbm& m) {
  const Units u{m.plus_minus};
  const bool over_hidden = m.n_hidden() <= m.n_visible();
  const int k = over_hidden ? m.n_hidden() : m.n_visible();
  if (k > 24) throw std::invalid_argument("exact log Z needs min(visible, hidden) <= 24");
  // Enumerate the smaller layer x; the other sums out in closed form:
  // log Z = logsumexp_x [a^T x + sum_i log_sum(d_i + (M x)_i)]
  const Eigen::MatrixXd M = over_hidden ? m.W : Eigen::MatrixXd(m.W.transpose());
  const Eigen::VectorXd& a = over_hidden ? m.c : m.b;
  const Eigen::VectorXd& d = over_hidden ? m.b : m.c;
  const uint64_t states = uint64_t(1) << k;
  constexpr uint64_t kChunk = 4096;  // fixed chunks: the sum does not depend on threads
  const uint64_t chunks = (states + kChunk - 1) / kChunk;
  std::vector<double> partial(chunks);
#pragma omp parallel for schedule(dynamic, 4)
  for (long long ch = 0; ch < (long long)chunks; ++ch) {
    std::vector<double> terms;
    Eigen::VectorXd x(k);
    for (uint64_t s = uint64_t(ch) * kChunk; s < std::min(states, uint64_t(ch + 1) * kChunk); ++s) {
      for (int j = 0; j < k; ++j) x(j) = (s >> j) & 1u ? 1.0 : u.off();
      const Eigen::VectorXd field = d + M * x;
      double t = a.dot(x);
      for (Eigen::Index i = 0; i < field.size(); ++i) t += u.log_sum(field(i));
      terms.push_back(t);
    }
    partial[ch] = log_sum_exp(terms);
  }
  return log_sum_exp(partial);
}

LogEstimate ais_log_partition(const Rbm& m, int runs, int n_betas, uint64_t seed, int threads) {
  if (runs < 2 || n_betas < 2) throw std::invalid_argument("AIS needs >= 2 runs and >= 2 temperatures");
  const Units u{m.plus_minus};
  const Uniforms rng{make_key(seed ^ 0xA15A15ull)};
  const int nv = m.n_visible(), nh = m.n_hidden();
  // base model: same visible biases, no couplings, no hidden biases
  double log_za = nh * std::log(2.0);
  for (int i = 0; i < nv; ++i) log_za += u.log_sum(m.b(i));
  // log p*_beta(v) = b^T v + sum_j log_sum(beta (c_j + (v^T W)_j))  (the base shares b)
  auto log_p = [&](const Eigen::VectorXd& v, double beta) {
    const Eigen::VectorXd f = m.c + m.W.transpose() * v;
    double t = m.b.dot(v);
    for (int j = 0; j < nh; ++j) t += u.log_sum(beta * f(j));
    return t;
  };
  std::vector<double> logw(runs);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int r = 0; r < runs; ++r) {
    Eigen::VectorXd v(nv), h(nh);
    for (int i = 0; i < nv; ++i)  // exact sample of the base model
      v(i) = rng.at(Draw::Init, uint32_t(r), 0, uint32_t(i)) < u.p_on(m.b(i)) ? 1.0 : u.off();
    double w = 0.0;
    for (int k = 1; k < n_betas; ++k) {
      const double beta_prev = double(k - 1) / (n_betas - 1), beta = double(k) / (n_betas - 1);
      w += log_p(v, beta) - log_p(v, beta_prev);
      if (k == n_betas - 1) break;
      // one Gibbs step that leaves p_beta invariant
      const Eigen::VectorXd fh = beta * (m.c + m.W.transpose() * v);
      for (int j = 0; j < nh; ++j)
        h(j) = rng.at(Draw::Hidden, uint32_t(r), uint64_t(k), uint32_t(j)) < u.p_on(fh(j)) ? 1.0 : u.off();
      const Eigen::VectorXd fv = m.b + beta * (m.W * h);
      for (int i = 0; i < nv; ++i)
        v(i) = rng.at(Draw::Visible, uint32_t(r), uint64_t(k), uint32_t(i)) < u.p_on(fv(i)) ? 1.0 : u.off();
    }
    logw[r] = w;
  }
  // log Z_B = log Z_A + log mean w; error of the log from the spread of w / mean w
  const double lme = log_sum_exp(logw) - std::log(double(runs));
  double var = 0.0;
  for (double lw : logw) {
    const double ratio = std::exp(lw - lme);
    var += (ratio - 1.0) * (ratio - 1.0);
  }
  var /= double(runs - 1);
  return {log_za + lme, std::sqrt(var / runs)};
}

LogEstimate log_partition(const Rbm& m, const std::string& method, int runs, int betas,
                          uint64_t seed, int threads) {
  if (method == "exact") return {exact_log_partition(m), 0.0};
  if (method != "ais") throw std::invalid_argument("method must be exact or ais");
  return ais_log_partition(m, runs, betas, seed, threads);
}

double pseudo_log_likelihood(const Rbm& m, const Eigen::MatrixXd& V, uint64_t seed) {
  const Units u{m.plus_minus};
  const Uniforms rng{make_key(seed)};
  Eigen::MatrixXd flipped = V;
  for (Eigen::Index r = 0; r < V.rows(); ++r) {
    const Eigen::Index i = Eigen::Index(rng.at(Draw::Flip, uint32_t(r), 0, 0) * double(V.cols()));
    flipped(r, i) = V(r, i) == 1.0 ? u.off() : 1.0;
  }
  const Eigen::VectorXd f = free_energy(m, V), ff = free_energy(m, flipped);
  double total = 0.0;
  for (Eigen::Index r = 0; r < V.rows(); ++r) total += -softplus(-(ff(r) - f(r)));  // log sigma
  return double(V.cols()) * total / double(V.rows());
}

Eigen::MatrixXd sample_rbm(const Rbm& m, int n, int steps, uint64_t seed, int threads) {
  if (n < 1 || steps < 1) throw std::invalid_argument("need >= 1 sample and >= 1 Gibbs step");
  const Units u{m.plus_minus};
  const Uniforms rng{make_key(seed ^ 0x5A4D5Eull)};
  Eigen::MatrixXd out(n, m.n_visible());
#pragma omp parallel for schedule(dynamic, 16) num_threads(threads)
  for (int r = 0; r < n; ++r) {
    Eigen::MatrixXd v(1, m.n_visible()), h;
    for (int i = 0; i < m.n_visible(); ++i)
      v(0, i) = rng.at(Draw::Init, uint32_t(r), 0, uint32_t(i)) < 0.5 ? 1.0 : u.off();
    for (int t = 0; t < steps; ++t) {
      sample_layer(hidden_field(m, v), h, u, rng, Draw::Hidden, uint32_t(r), uint64_t(t));
      sample_layer(visible_field(m, h), v, u, rng, Draw::Visible, uint32_t(r), uint64_t(t));
    }
    out.row(r) = v.row(0);
  }
  return out;
}

}  // namespace physml
