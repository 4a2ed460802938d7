#include "variational/van.hpp"

#include <cmath>
#include <stdexcept>

#include "rng/philox.hpp"

namespace physml::variational {

using autodiff::Matrix;
using autoregressive::log_add_exp;

namespace {

autodiff::OptimizerSettings adam_settings(double lr) {
  autodiff::OptimizerSettings o;
  o.lr = lr;
  o.bias_correction = autodiff::BiasCorrection::Moments;  // PyTorch's Adam rounds this way
  return o;
}

// Estimates of the final measurement draw from steps 2^40 + k, never a training step's.
constexpr uint64_t kMeasureSteps = uint64_t(1) << 40;

}  // namespace

VanTrainer::VanTrainer(ClassicalSystem system, autoregressive::Made net, VanSettings settings)
    : system_(std::move(system)), net_(std::move(net)), s_(settings),
      adam_(autodiff::OptimizerKind::Adam, adam_settings(settings.lr)) {
  if (net_.n_sites() != system_.n_sites()) throw std::invalid_argument("the network does not match the system's sites");
  if (!(s_.beta > 0) || !std::isfinite(s_.beta)) throw std::invalid_argument("beta must be a finite number > 0");
  if (s_.batch < 2) throw std::invalid_argument("--batch must be >= 2 (the baseline needs two samples)");
  if (!(s_.lr > 0)) throw std::invalid_argument("--lr must be > 0");
  if (!(s_.clip >= 0)) throw std::invalid_argument("--clip must be >= 0");
  if (!(s_.anneal >= 0 && s_.anneal < 1)) throw std::invalid_argument("--anneal must be in [0, 1)");
}

double VanTrainer::beta_at(long t) const {
  return s_.anneal > 0 ? s_.beta * (1.0 - std::pow(s_.anneal, double(t))) : s_.beta;
}

void VanTrainer::sample(long rows, uint64_t step, Matrix<double>& s, Eigen::VectorXd& log_q,
                        std::pair<Eigen::VectorXd, Eigen::VectorXd>* halves) const {
  Eigen::VectorXd lq;
  net_.sample(rows, s_.seed, step, s_.threads, s, lq);
  if (!s_.z2) {
    log_q = lq;
    return;
  }
  // The mixture: each row flipped with probability 1/2, then q_z2(s) = (q(s) + q(-s)) / 2, of
  // which the sampler knows the term of the unflipped row.
  Eigen::VectorXd a = lq, b = net_.log_prob(-s, s_.threads);  // log q(s0), log q(-s0)
  for (long r = 0; r < rows; ++r) {
    if (net_.mixture_flip(s_.seed, step, uint32_t(r))) {
      s.row(r) *= -1.0;
      std::swap(a[r], b[r]);
    }
  }
  log_q.resize(rows);
  for (long r = 0; r < rows; ++r) log_q[r] = log_add_exp(a[r], b[r]) - std::log(2.0);
  if (halves) *halves = {std::move(a), std::move(b)};
}

VanTrainer::Batch VanTrainer::batch(uint64_t step, double beta) const {
  Batch b;
  sample(s_.batch, step, b.s, b.log_q, &b.halves);
  b.energy = system_.energies(b.s);
  b.f = b.log_q + beta * b.energy;
  return b;
}

Eigen::VectorXd VanTrainer::reinforce(const Batch& b) const {
  const long B = b.s.rows(), n = net_.n_sites();
  const double fbar = b.f.mean();
  std::vector<double> w(static_cast<size_t>(B));
  for (long r = 0; r < B; ++r) w[size_t(r)] = (b.f[r] - fbar) / double(B);
  Eigen::VectorXd unused;
  if (!s_.z2) return net_.weighted_gradient(b.s, w, s_.threads, unused);
  // grad log q_z2(s) = q(s) grad log q(s) / (q(s) + q(-s)) + the same for -s: one pass over
  // the rows s and -s with those shares of the weights.
  Matrix<double> both(2 * B, n);
  both.topRows(B) = b.s;
  both.bottomRows(B) = -b.s;
  const Eigen::VectorXd &lp = b.halves.first, &lm = b.halves.second;
  std::vector<double> w2(static_cast<size_t>(2 * B));
  for (long r = 0; r < B; ++r) {
    const double m = log_add_exp(lp[r], lm[r]);
    w2[size_t(r)] = w[size_t(r)] * std::exp(lp[r] - m);
    w2[size_t(B + r)] = w[size_t(r)] * std::exp(lm[r] - m);
  }
  return net_.weighted_gradient(both, w2, s_.threads, unused);
}

Eigen::VectorXd VanTrainer::gradient(uint64_t step, double beta) const { return reinforce(batch(step, beta)); }

VanStep VanTrainer::step() {
  const long B = s_.batch, n = net_.n_sites();
  const double beta = beta_at(t_ + 1);
  const Batch b = batch(uint64_t(t_), beta);
  Eigen::VectorXd grad = reinforce(b);
  VanStep out;
  out.gradient_norm = grad.norm();
  if (!std::isfinite(out.gradient_norm))
    throw std::runtime_error("the gradient is no longer finite: the training diverged (lower --lr)");
  if (s_.clip > 0 && out.gradient_norm > s_.clip) grad *= s_.clip / out.gradient_norm;
  Eigen::VectorXd p = net_.parameters();
  ++t_;
  adam_.step(t_, p, grad, state_);
  net_.set_parameters(p);
  const double fbar = b.f.mean();
  const double sd = std::sqrt((b.f.array() - fbar).square().sum() / double(B - 1));
  out.beta = beta;
  out.free_energy = fbar / (beta * double(n));
  out.free_energy_err = sd / std::sqrt(double(B)) / (beta * double(n));
  out.energy = b.energy.mean() / double(n);
  out.entropy = -b.log_q.mean() / double(n);
  return out;
}

VanEstimate VanTrainer::estimate(long samples) const {
  if (samples < 2) throw std::invalid_argument("at least 2 samples are needed for an estimate");
  const long n = net_.n_sites();
  const double beta = s_.beta;
  std::vector<double> f, E, lq, m;
  for (long done = 0, k = 0; done < samples; ++k) {
    const long rows = std::min(s_.batch, samples - done);
    Matrix<double> s;
    Eigen::VectorXd l;
    sample(rows, kMeasureSteps + uint64_t(k), s, l);
    const Eigen::VectorXd e = system_.energies(s);
    for (long r = 0; r < rows; ++r) {
      f.push_back(l[r] + beta * e[r]);
      E.push_back(e[r]);
      lq.push_back(l[r]);
      m.push_back(std::abs(s.row(r).sum()) / double(n));
    }
    done += rows;
  }
  const double ns = double(f.size());
  auto mean = [&](const std::vector<double>& x) {
    double t = 0;
    for (double v : x) t += v;
    return t / ns;
  };
  auto sem = [&](const std::vector<double>& x, double mu) {
    double t = 0;
    for (double v : x) t += (v - mu) * (v - mu);
    return std::sqrt(t / (ns - 1) / ns);
  };
  VanEstimate out;
  out.samples = long(ns);
  const double fm = mean(f), em = mean(E), mm = mean(m);
  out.F = fm / (beta * n);
  out.F_err = sem(f, fm) / (beta * n);
  out.E = em / n;
  out.E_err = sem(E, em) / n;
  out.S = -mean(lq) / n;
  out.m_abs = mm;
  out.m_abs_err = sem(m, mm);
  double var = 0;
  for (double v : E) var += (v - em) * (v - em);
  out.C = beta * beta * var / (ns - 1) / n;
  // Importance weights w = exp(-f) = exp(-beta E) / q, scaled by their largest.
  double top = -f[0];
  for (double v : f) top = std::max(top, -v);
  double sw = 0, sw2 = 0, swe = 0, swe2 = 0;
  for (size_t r = 0; r < f.size(); ++r) {
    const double w = std::exp(-f[r] - top);
    sw += w;
    sw2 += w * w;
    swe += w * E[r];
    swe2 += w * E[r] * E[r];
  }
  const double wbar = sw / ns, wvar = std::max(0.0, sw2 / ns - wbar * wbar);
  out.F_is = -(std::log(wbar) + top) / (beta * n);
  out.F_is_err = std::sqrt(wvar / ns) / wbar / (beta * n);
  out.ess = sw * sw / sw2;
  const double eis = swe / sw;
  double werr = 0;
  for (size_t r = 0; r < f.size(); ++r) {
    const double w = std::exp(-f[r] - top);
    werr += w * w * (E[r] - eis) * (E[r] - eis);
  }
  out.E_is = eis / n;
  out.E_is_err = std::sqrt(werr) / sw / n;
  out.C_is = beta * beta * (swe2 / sw - eis * eis) / n;
  return out;
}

}  // namespace physml::variational
