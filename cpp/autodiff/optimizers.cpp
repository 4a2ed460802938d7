#include "autodiff/optimizers.hpp"

#include <cmath>

namespace physml::autodiff {

OptimizerKind parse_optimizer(const std::string& name) {
  if (name == "sgd") return OptimizerKind::Sgd;
  if (name == "momentum") return OptimizerKind::Momentum;
  if (name == "nesterov") return OptimizerKind::Nesterov;
  if (name == "adam") return OptimizerKind::Adam;
  if (name == "adamw") return OptimizerKind::AdamW;
  throw std::invalid_argument("unknown optimizer '" + name +
                              "' (choose sgd, momentum, nesterov, adam, adamw)");
}

template <class S>
void Optimizer<S>::step(std::vector<Parameter<S>>& params) {
  if (m_.empty()) {
    for (const auto& p : params) {
      m_.push_back(Matrix<S>::Zero(p.value.rows(), p.value.cols()));
      if (kind_ == OptimizerKind::Adam || kind_ == OptimizerKind::AdamW)
        v_.push_back(Matrix<S>::Zero(p.value.rows(), p.value.cols()));
    }
  }
  ++t_;
  const S lr = S(s_.lr), mu = S(s_.momentum);
  const S b1 = S(s_.beta1), b2 = S(s_.beta2);
  // Bias corrections folded into the step size, as in Kingma & Ba's algorithm 1.
  const double c1 = 1.0 - std::pow(s_.beta1, double(t_)), c2 = 1.0 - std::pow(s_.beta2, double(t_));
  const S adam_lr = S(s_.lr * std::sqrt(c2) / c1), adam_eps = S(s_.eps * std::sqrt(c2));
  for (size_t i = 0; i < params.size(); ++i) {
    auto w = params[i].value.array();
    auto g = params[i].grad.array();
    auto m = m_[i].array();
    switch (kind_) {
      case OptimizerKind::Sgd: w -= lr * g; break;
      case OptimizerKind::Momentum:
        m = mu * m + g;
        w -= lr * m;
        break;
      case OptimizerKind::Nesterov:
        m = mu * m + g;
        w -= lr * (g + mu * m);
        break;
      case OptimizerKind::AdamW:
        if (s_.weight_decay > 0) w *= S(1.0 - s_.lr * s_.weight_decay);
        [[fallthrough]];
      case OptimizerKind::Adam: {
        auto v = v_[i].array();
        m = b1 * m + (S(1) - b1) * g;
        v = b2 * v + (S(1) - b2) * g.square();
        w -= adam_lr * m / (v.sqrt() + adam_eps);
        break;
      }
    }
    params[i].grad.setZero();
  }
}

template class Optimizer<float>;
template class Optimizer<double>;

}  // namespace physml::autodiff
