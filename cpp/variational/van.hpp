#pragma once
// Variational autoregressive networks (Wu, Wang & Zhang, PRL 122, 080602 (2019)): an
// autoregressive q(s) (autoregressive/made.hpp) trained to minimise the variational free
// energy, an upper bound of the true one (Gibbs-Bogoliubov):
//   beta F_q = E_q[f(s)] >= beta F,   f(s) = log q(s) + beta E(s),
// by REINFORCE, grad beta F_q = E_q[(f(s) - b) grad log q(s)], with the batch mean of f as
// the baseline b, and Adam. Samples are exact (no chains, no burn-in). With z2, q is the
// mixture (q(s) + q(-s)) / 2, which has the zero-field model's spin-flip symmetry. The same
// samples also give importance-sampling estimates with q as the proposal: unbiased for
// exp(-beta F) = E_q[exp(-f)], so F_is has no variational bias, only statistical error.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "autodiff/optimizers.hpp"
#include "autoregressive/made.hpp"
#include "variational/classical_system.hpp"

namespace physml::variational {

struct VanSettings {
  double beta = 1;
  long batch = 1000;
  double lr = 1e-3;
  double clip = 0;    // largest gradient norm (0: no clipping)
  double anneal = 0;  // beta_t = beta (1 - anneal^t) for t = 1, 2, ... (0: beta throughout)
  bool z2 = false;
  int threads = 1;
  uint64_t seed = 0;
};

// One training step's batch statistics (per site, at the step's beta).
struct VanStep {
  double beta = 0, free_energy = 0, free_energy_err = 0, energy = 0, entropy = 0, gradient_norm = 0;
};

// Estimates from fresh samples at the full beta, per site. Under q: the variational bound F,
// and E, S, |m|, C as q has them; importance-sampled (weights exp(-f)): F_is, E_is, C_is with
// the effective sample size (sum w)^2 / sum w^2.
struct VanEstimate {
  double F = 0, F_err = 0, E = 0, E_err = 0, S = 0, m_abs = 0, m_abs_err = 0, C = 0;
  double F_is = 0, F_is_err = 0, E_is = 0, E_is_err = 0, C_is = 0, ess = 0;
  long samples = 0;
};

class VanTrainer {
 public:
  VanTrainer(ClassicalSystem system, autoregressive::Made net, VanSettings settings);

  VanStep step();
  // The REINFORCE estimate of grad beta F_q from the batch that step `step` draws, at `beta`
  // (what step() follows; tests hold it against the exact gradient).
  Eigen::VectorXd gradient(uint64_t step, double beta) const;
  // `samples` fresh samples in batches of at most `batch` rows (their own random streams).
  VanEstimate estimate(long samples) const;

  // Exact samples of the trained q (with its Z2 mixture): rows of +-1 and log q; with `halves`,
  // also the network's own log q(s) and log q(-s) (the mixture's two terms).
  void sample(long rows, uint64_t step, autodiff::Matrix<double>& s, Eigen::VectorXd& log_q,
              std::pair<Eigen::VectorXd, Eigen::VectorXd>* halves = nullptr) const;

  long iteration() const { return t_; }
  void set_iteration(long t) { t_ = t; }
  const autoregressive::Made& network() const { return net_; }
  autoregressive::Made& network() { return net_; }
  const VanSettings& settings() const { return s_; }
  // Adam's moments (first, second), for checkpoints.
  autodiff::OptimizerState<double>& optimizer_state() { return state_; }

 private:
  double beta_at(long t) const;
  // The batch of step `step`: its rows, log q and f = log q + beta E.
  struct Batch {
    autodiff::Matrix<double> s;
    Eigen::VectorXd log_q, energy, f;
    std::pair<Eigen::VectorXd, Eigen::VectorXd> halves;  // z2: log q(s), log q(-s) of the network
  };
  Batch batch(uint64_t step, double beta) const;
  Eigen::VectorXd reinforce(const Batch& b) const;

  ClassicalSystem system_;
  mutable autoregressive::Made net_;  // the tape writes gradients into it
  VanSettings s_;
  autodiff::Optimizer<double> adam_;
  autodiff::OptimizerState<double> state_;
  long t_ = 0;
};

}  // namespace physml::variational
