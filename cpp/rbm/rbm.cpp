#include "rbm/rbm.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "rng/philox.hpp"

namespace physml {

namespace {

enum class Draw : uint32_t { Hidden = 1, Visible = 2, Init = 3, Shuffle = 4, Flip = 5 };

// A uniform number in (0, 1) for (purpose, chain, step, unit): four units share one
// Philox block, so a layer of n units costs n / 4 block evaluations.
struct Uniforms {
  Key key;
  double at(Draw purpose, uint32_t chain, uint64_t step, uint32_t unit) const {
    const Counter c = philox4x32(
        {unit / 4, chain, uint32_t(step), (uint32_t(purpose) << 24) ^ uint32_t(step >> 32)}, key);
    return (double(c[unit % 4]) + 0.5) * (1.0 / 4294967296.0);
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

// Sample a layer in place from its fields, row r of the batch being chain `chain0 + r`.
void sample_layer(const Eigen::MatrixXd& field, Eigen::MatrixXd& out, const Units& u,
                  const Uniforms& rng, Draw purpose, uint32_t chain0, uint64_t step) {
  out.resize(field.rows(), field.cols());
  for (Eigen::Index r = 0; r < field.rows(); ++r)
    for (Eigen::Index j = 0; j < field.cols(); ++j)
      out(r, j) = rng.at(purpose, chain0 + uint32_t(r), step, uint32_t(j)) < u.p_on(field(r, j))
                      ? 1.0 : u.off();
}

Eigen::MatrixXd hidden_field(const Rbm& m, const Eigen::MatrixXd& V) {
  return (V * m.W).rowwise() + m.c.transpose();
}
Eigen::MatrixXd visible_field(const Rbm& m, const Eigen::MatrixXd& H) {
  return (H * m.W.transpose()).rowwise() + m.b.transpose();
}

Eigen::MatrixXd apply_mean(const Eigen::MatrixXd& field, const Units& u) {
  return field.unaryExpr([&](double x) { return u.mean(x); });
}

double log_sum_exp(const std::vector<double>& x) {
  const double top = *std::max_element(x.begin(), x.end());
  if (!std::isfinite(top)) return top;
  double s = 0.0;
  for (double v : x) s += std::exp(v - top);
  return top + std::log(s);
}

}  // namespace

Rbm train_rbm(const Eigen::MatrixXd& data, const RbmTraining& opt, bool pm) {
  check_data(data, pm);
  if (opt.hidden < 1 || opt.cd_k < 1 || opt.epochs < 0 || opt.batch_size < 1)
    throw std::invalid_argument("hidden, cd_k and batch_size must be >= 1, epochs >= 0");
  if (!(opt.learning_rate > 0) || !(opt.momentum >= 0 && opt.momentum < 1) || !(opt.l2 >= 0))
    throw std::invalid_argument("need learning rate > 0, 0 <= momentum < 1, l2 >= 0");
  const Units u{pm};
  const Uniforms rng{make_key(opt.seed)};
  const long n = data.rows(), nv = data.cols(), nh = opt.hidden;
  Rbm m;
  m.plus_minus = pm;
  // small random couplings (Hinton's guide: N(0, 0.01^2)), zero biases
  m.W.resize(nv, nh);
  for (long i = 0; i < nv; ++i)
    for (long j = 0; j < nh; ++j) {
      const double a = rng.at(Draw::Init, uint32_t(i), 0, uint32_t(2 * j));
      const double b2 = rng.at(Draw::Init, uint32_t(i), 0, uint32_t(2 * j + 1));
      m.W(i, j) = 0.01 * std::sqrt(-2.0 * std::log(a)) * std::cos(2.0 * M_PI * b2);
    }
  m.b = Eigen::VectorXd::Zero(nv);
  m.c = Eigen::VectorXd::Zero(nh);
  Eigen::MatrixXd vel_W = Eigen::MatrixXd::Zero(nv, nh);
  Eigen::VectorXd vel_b = Eigen::VectorXd::Zero(nv), vel_c = Eigen::VectorXd::Zero(nh);
  const long B = std::min<long>(opt.batch_size, n);
  // persistent chains start from random visible states
  Eigen::MatrixXd chains(B, nv);
  for (long r = 0; r < B; ++r)
    for (long i = 0; i < nv; ++i)
      chains(r, i) = rng.at(Draw::Init, uint32_t(r), 1, uint32_t(i)) < 0.5 ? 1.0 : u.off();
  std::vector<long> order(n);
  uint64_t update = 0;
  Eigen::MatrixXd V0, H, Vk, Hk_mean, H0_mean;
  for (int epoch = 0; epoch < opt.epochs; ++epoch) {
    std::iota(order.begin(), order.end(), 0);
    for (long i = n - 1; i > 0; --i)
      std::swap(order[i], order[long(rng.at(Draw::Shuffle, uint32_t(epoch), 0, uint32_t(i)) * double(i + 1))]);
    for (long start = 0; start + B <= n; start += B, ++update) {
      V0.resize(B, nv);
      for (long r = 0; r < B; ++r) V0.row(r) = data.row(order[start + r]);
      const Eigen::MatrixXd F0 = hidden_field(m, V0);
      H0_mean = apply_mean(F0, u);
      // negative phase: k Gibbs steps from the data (CD) or from the persistent chains (PCD)
      Vk = opt.persistent ? chains : V0;
      Eigen::MatrixXd Fh = opt.persistent ? hidden_field(m, Vk) : F0;
      for (int step = 0; step < opt.cd_k; ++step) {
        const uint64_t t = update * uint64_t(opt.cd_k) + uint64_t(step);
        sample_layer(Fh, H, u, rng, Draw::Hidden, 0, t);
        sample_layer(visible_field(m, H), Vk, u, rng, Draw::Visible, 0, t);
        Fh = hidden_field(m, Vk);
      }
      Hk_mean = apply_mean(Fh, u);
      if (opt.persistent) chains = Vk;
      const double scale = 1.0 / double(B);
      const Eigen::MatrixXd gW = (V0.transpose() * H0_mean - Vk.transpose() * Hk_mean) * scale;
      const Eigen::VectorXd gb = (V0 - Vk).colwise().sum().transpose() * scale;
      const Eigen::VectorXd gc = (H0_mean - Hk_mean).colwise().sum().transpose() * scale;
      vel_W = opt.momentum * vel_W + opt.learning_rate * (gW - opt.l2 * m.W);
      vel_b = opt.momentum * vel_b + opt.learning_rate * gb;
      vel_c = opt.momentum * vel_c + opt.learning_rate * gc;
      m.W += vel_W;
      m.b += vel_b;
      m.c += vel_c;
    }
  }
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
