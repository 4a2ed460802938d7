#include "hopfield/hopfield.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "registry/registry.hpp"
#include "rng/philox.hpp"
#include "rng/xoshiro256.hpp"

namespace physml {

static const bool rules = registry::add_values<HopfieldRule>("hopfield_rule", {
    {"hebbian", "Hebb: W = X^T X / N, no self-coupling", HopfieldRule::Hebbian},
    {"pseudoinverse", "projection onto the patterns (stores up to N independent ones)",
     HopfieldRule::PseudoInverse},
    {"storkey", "Storkey's incremental, local rule", HopfieldRule::Storkey},
});

HopfieldRule parse_hopfield_rule(const std::string& name) {
  return registry::Registry<HopfieldRule>::instance().get(name, "learning rule");
}

namespace {

void check_patterns(const PatternMatrix& xi) {
  if (xi.rows() == 0 || xi.cols() < 2) throw std::invalid_argument("need at least one pattern of >= 2 neurons");
  for (Eigen::Index i = 0; i < xi.size(); ++i)
    if (xi.data()[i] != 1 && xi.data()[i] != -1) throw std::invalid_argument("patterns must be +-1");
}

// Draw-order-free shuffle: a permutation from one sequential stream.
void shuffle(std::vector<int>& order, Xoshiro256& rng) {
  for (int i = int(order.size()) - 1; i > 0; --i) std::swap(order[i], order[rng.below(uint32_t(i + 1))]);
}

double uniform(Xoshiro256& rng) { return double(rng.next() >> 11) * (1.0 / 9007199254740992.0); }

}  // namespace

Couplings hopfield_learn(const PatternMatrix& patterns, HopfieldRule rule) {
  check_patterns(patterns);
  const Eigen::MatrixXd X = patterns.cast<double>();  // (P, N)
  const double N = double(X.cols());
  Couplings W;
  switch (rule) {
    case HopfieldRule::Hebbian:
      W = X.transpose() * X / N;
      break;
    case HopfieldRule::PseudoInverse: {
      // W = X^T C^+ X / N with C = X X^T / N: the projector onto the patterns' span,
      // so every pattern is a fixed point (before the diagonal is removed).
      const Eigen::MatrixXd C = X * X.transpose() / N;
      W = X.transpose() * C.completeOrthogonalDecomposition().pseudoInverse() * X / N;
      break;
    }
    case HopfieldRule::Storkey: {
      W = Couplings::Zero(X.cols(), X.cols());
      for (Eigen::Index mu = 0; mu < X.rows(); ++mu) {
        const Eigen::VectorXd xi = X.row(mu).transpose();
        const Eigen::VectorXd h = W * xi;  // local fields (W has zero diagonal)
        // dW_ij = (xi_i xi_j - xi_i h_ji - h_ij xi_j) / N with h_ij = h_i - W_ij xi_j
        W = W + (xi * xi.transpose() - xi * h.transpose() - h * xi.transpose() + 2.0 * W) / N;
        W.diagonal().setZero();
      }
      break;
    }
  }
  W.diagonal().setZero();
  return W;
}

double hopfield_energy(const Couplings& W, const int8_t* s) {
  const Eigen::Map<const Eigen::Matrix<int8_t, Eigen::Dynamic, 1>> v(s, W.rows());
  const Eigen::VectorXd x = v.cast<double>();
  return -0.5 * x.dot(W * x);
}

RecallResult hopfield_recall(const Couplings& W, const int8_t* start, bool synchronous,
                             double T, int max_sweeps, uint64_t seed, uint32_t stream) {
  const int N = int(W.rows());
  Xoshiro256 rng(make_key(seed), stream);
  RecallResult out;
  out.state.assign(start, start + N);
  Eigen::VectorXd s(N), h(N);
  for (int i = 0; i < N; ++i) s(i) = out.state[i];
  h = W * s;
  std::vector<int> order(N);
  std::iota(order.begin(), order.end(), 0);
  for (int sweep = 0; sweep < max_sweeps; ++sweep) {
    bool changed = false;
    if (synchronous) {
      Eigen::VectorXd next = s;
      for (int i = 0; i < N; ++i) {
        if (T > 0)
          next(i) = uniform(rng) < 1.0 / (1.0 + std::exp(-2.0 * h(i) / T)) ? 1.0 : -1.0;
        else if (h(i) != 0)
          next(i) = h(i) > 0 ? 1.0 : -1.0;
      }
      changed = next != s;
      s = next;
      h = W * s;
    } else {
      shuffle(order, rng);
      for (int i : order) {
        double fresh = s(i);
        if (T > 0)
          fresh = uniform(rng) < 1.0 / (1.0 + std::exp(-2.0 * h(i) / T)) ? 1.0 : -1.0;
        else if (h(i) != 0)
          fresh = h(i) > 0 ? 1.0 : -1.0;
        if (fresh != s(i)) {
          h += (fresh - s(i)) * W.col(i);  // keep all fields current: O(N) per flip
          s(i) = fresh;
          changed = true;
        }
      }
    }
    out.sweeps = sweep + 1;
    if (!changed && T == 0) {
      out.converged = true;
      break;
    }
  }
  for (int i = 0; i < N; ++i) out.state[i] = int8_t(s(i));
  return out;
}

std::vector<int8_t> modern_hopfield_update(const PatternMatrix& patterns, const int8_t* start,
                                           double beta, int steps) {
  check_patterns(patterns);
  if (!(beta > 0)) throw std::invalid_argument("modern Hopfield needs beta > 0");
  const Eigen::MatrixXd X = patterns.cast<double>();
  Eigen::VectorXd s(X.cols());
  for (Eigen::Index i = 0; i < s.size(); ++i) s(i) = start[i];
  for (int t = 0; t < steps; ++t) {
    Eigen::VectorXd a = beta * (X * s);
    a.array() -= a.maxCoeff();
    a = a.array().exp();
    a /= a.sum();
    const Eigen::VectorXd y = X.transpose() * a;
    for (Eigen::Index i = 0; i < s.size(); ++i) s(i) = y(i) >= 0 ? 1.0 : -1.0;
  }
  std::vector<int8_t> out(s.size());
  for (Eigen::Index i = 0; i < s.size(); ++i) out[i] = int8_t(s(i));
  return out;
}

std::vector<CapacityPoint> hopfield_capacity(int N, const std::vector<double>& loads, int trials,
                                             int probes, double corrupt, HopfieldRule rule,
                                             uint64_t seed, int threads) {
  if (N < 2 || trials < 1 || probes < 1) throw std::invalid_argument("need N >= 2, trials >= 1, probes >= 1");
  if (!(corrupt >= 0 && corrupt < 0.5)) throw std::invalid_argument("corruption must be in [0, 0.5)");
  const Key key = make_key(seed);
  std::vector<CapacityPoint> out;
  for (size_t li = 0; li < loads.size(); ++li) {
    const int P = std::max(1, int(std::lround(loads[li] * N)));
    std::vector<double> trial_mean(trials, 0.0), trial_hits(trials, 0.0);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int t = 0; t < trials; ++t) {
      const uint32_t stream = uint32_t(li) * 65536u + uint32_t(t);
      Xoshiro256 rng(key, stream);
      PatternMatrix xi(P, N);
      for (int mu = 0; mu < P; ++mu)
        for (int i = 0; i < N; ++i) xi(mu, i) = (rng.next() >> 63) ? 1 : -1;
      const Couplings W = hopfield_learn(xi, rule);
      const int n_probe = std::min(probes, P);
      double sum = 0.0, hits = 0.0;
      std::vector<int8_t> start(N);
      for (int k = 0; k < n_probe; ++k) {
        for (int i = 0; i < N; ++i)
          start[i] = uniform(rng) < corrupt ? int8_t(-xi(k, i)) : xi(k, i);
        const RecallResult r = hopfield_recall(W, start.data(), false, 0.0, 1000, seed,
                                               stream ^ (uint32_t(k + 1) << 20));
        double m = 0.0;
        for (int i = 0; i < N; ++i) m += double(r.state[i] * xi(k, i));
        m /= N;
        sum += m;
        hits += m > 0.95;
      }
      trial_mean[t] = sum / n_probe;
      trial_hits[t] = hits / n_probe;
    }
    CapacityPoint pt;
    pt.load = double(P) / N;
    pt.trial_overlap = trial_mean;
    for (int t = 0; t < trials; ++t) {
      pt.overlap += trial_mean[t] / trials;
      pt.retrieved += trial_hits[t] / trials;
    }
    double var = 0.0;
    for (int t = 0; t < trials; ++t) var += (trial_mean[t] - pt.overlap) * (trial_mean[t] - pt.overlap);
    pt.overlap_err = trials > 1 ? std::sqrt(var / (trials - 1) / trials) : std::nan("");
    out.push_back(pt);
  }
  return out;
}

namespace {

double crossing(const std::vector<double>& load, const std::vector<double>& m, double level) {
  if (level < 0)
    level = 0.5 * (*std::max_element(m.begin(), m.end()) + *std::min_element(m.begin(), m.end()));
  for (size_t k = 0; k + 1 < m.size(); ++k)
    if (m[k] >= level && m[k + 1] < level)
      return load[k] + (load[k + 1] - load[k]) * (m[k] - level) / (m[k] - m[k + 1]);
  return std::nan("");
}

}  // namespace

Threshold capacity_threshold(const std::vector<CapacityPoint>& curve, double level, int resamples,
                             uint64_t seed) {
  Threshold out;
  if (curve.size() < 2) return {std::nan(""), std::nan("")};
  std::vector<double> load, mean;
  for (const auto& pt : curve) {
    load.push_back(pt.load);
    mean.push_back(pt.overlap);
  }
  out.value = crossing(load, mean, level);
  Xoshiro256 rng(make_key(seed), 0xB007u);
  std::vector<double> boot;
  for (int b = 0; b < resamples; ++b) {
    std::vector<double> m(curve.size());
    for (size_t k = 0; k < curve.size(); ++k) {
      const auto& tr = curve[k].trial_overlap;
      double sum = 0.0;
      for (size_t j = 0; j < tr.size(); ++j) sum += tr[rng.below(uint32_t(tr.size()))];
      m[k] = sum / double(tr.size());
    }
    const double v = crossing(load, m, level);
    if (std::isfinite(v)) boot.push_back(v);
  }
  if (boot.size() > 1) {
    double mu = std::accumulate(boot.begin(), boot.end(), 0.0) / boot.size(), var = 0.0;
    for (double v : boot) var += (v - mu) * (v - mu);
    out.error = std::sqrt(var / (boot.size() - 1));
  } else {
    out.error = std::nan("");
  }
  return out;
}

}  // namespace physml
