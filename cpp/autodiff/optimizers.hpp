#pragma once
// First-order optimizers over a network's parameters. Conventions follow PyTorch so
// hyperparameters carry over: momentum v <- mu v + g, p <- p - lr v; Nesterov
// p <- p - lr (g + mu v); Adam with bias correction; AdamW with decoupled weight decay.
#include <string>
#include <vector>

#include "autodiff/tape.hpp"

namespace physml::autodiff {

enum class OptimizerKind { Sgd, Momentum, Nesterov, Adam, AdamW };
OptimizerKind parse_optimizer(const std::string& name);

struct OptimizerSettings {
  double lr = 1e-3, momentum = 0.9, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  double weight_decay = 0.0;  // AdamW only (decoupled); use the L2 penalty for the others
};

template <class S>
class Optimizer {
 public:
  Optimizer(OptimizerKind kind, OptimizerSettings s) : kind_(kind), s_(s) {}
  // One step from the gradients accumulated in params[i].grad (then zeroed).
  void step(std::vector<Parameter<S>>& params);

 private:
  OptimizerKind kind_;
  OptimizerSettings s_;
  std::vector<Matrix<S>> m_, v_;
  long t_ = 0;
};

}  // namespace physml::autodiff
