#pragma once
// First-order parameter updates, written once for the network trainer (autodiff/training.hpp)
// and variational Monte Carlo (vmc/driver.hpp), on real or complex parameter vectors.
// Conventions follow PyTorch so hyperparameters carry over: momentum v <- mu v + g,
// p <- p - lr v; Nesterov p <- p - lr (g + mu v); Adam with bias correction; AdamW with
// decoupled weight decay. For complex parameters Adam's second moment is |g|^2 (NetKet's).
#include <Eigen/Dense>
#include <map>
#include <string>
#include <vector>

#include "autodiff/tape.hpp"

namespace physml::autodiff {

enum class OptimizerKind { Sgd, Momentum, Nesterov, Adam, AdamW };
OptimizerKind parse_optimizer(const std::string& name);

// Where Adam's bias corrections 1 - beta^t enter. The two forms are the same algorithm
// (Kingma & Ba 2015) but round differently, and each caller keeps the one its results were
// made with:
//  - StepSize: folded into step size and eps (their section 2), the trainer's:
//      p -= lr sqrt(c2) / c1 * m / (sqrt(v) + eps sqrt(c2))
//  - Moments: on the moments (their algorithm 1, as optax and NetKet), VMC's:
//      p -= lr (m / c1) / (sqrt(v / c2) + eps)
enum class BiasCorrection { StepSize, Moments };

struct OptimizerSettings {
  double lr = 1e-3, momentum = 0.9, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  double weight_decay = 0.0;  // AdamW only (decoupled); use the L2 penalty for the others
  BiasCorrection bias_correction = BiasCorrection::StepSize;
};

template <class T>
using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;

// What an optimizer remembers between steps, by name, each vector as long as the parameters
// it belongs to: checkpoints save and restore it by name, whatever the kind.
template <class T>
using OptimizerState = std::map<std::string, Vector<T>>;

namespace state_name {
inline const std::string first_moment = "first_moment", second_moment = "second_moment", velocity = "velocity";
}

template <class T>
class Optimizer {
 public:
  Optimizer(OptimizerKind kind, OptimizerSettings settings) : kind_(kind), s_(settings) {}
  OptimizerKind kind() const { return kind_; }
  const OptimizerSettings& settings() const { return s_; }
  // Step t (1, 2, ...) of the parameters p along gradient g; `state` is their memory, and a
  // vector of it that does not fit p starts from zero.
  void step(long t, Eigen::Ref<Vector<T>> p, const Eigen::Ref<const Vector<T>>& g, OptimizerState<T>& state) const;

 private:
  OptimizerKind kind_;
  OptimizerSettings s_;
};

// A network's parameter arrays, each with its own memory, stepped together.
template <class S>
class NetworkOptimizer {
 public:
  NetworkOptimizer(OptimizerKind kind, OptimizerSettings s) : optimizer_(kind, s) {}
  // One step from the gradients accumulated in params[i].grad (then zeroed).
  void step(std::vector<Parameter<S>>& params);
  // The same for arrays that live in several owners (a flow's networks and scales).
  void step(const std::vector<Parameter<S>*>& params);

 private:
  Optimizer<S> optimizer_;
  std::vector<OptimizerState<S>> state_;
  long t_ = 0;
};

}  // namespace physml::autodiff
