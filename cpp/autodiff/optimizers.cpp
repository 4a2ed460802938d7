#include "autodiff/optimizers.hpp"

#include <cmath>
#include <complex>
#include <stdexcept>


namespace physml::autodiff {

namespace {

template <class T>
Vector<T>& memory(OptimizerState<T>& state, const std::string& name, long n) {
  Vector<T>& v = state[name];
  if (v.size() != n) v = Vector<T>::Zero(n);
  return v;
}

// |g|^2 entry by entry; real gradients keep the vectorised square.
template <class G>
auto squared_magnitude(const G& g) {
  using T = typename G::Scalar;
  if constexpr (Eigen::NumTraits<T>::IsComplex)
    return g.unaryExpr([](const T& x) { return T(std::norm(x)); });
  else
    return g.square();
}

}  // namespace

template <class T>
void Optimizer<T>::step(long t, Eigen::Ref<Vector<T>> p, const Eigen::Ref<const Vector<T>>& g,
                        OptimizerState<T>& state) const {
  // Coefficients in the parameters' own precision: float networks round 1 - beta in float.
  using R = typename Eigen::NumTraits<T>::Real;
  const long n = p.size();
  if (g.size() != n) throw std::invalid_argument("the gradient does not match the parameters");
  auto w = p.array();
  const auto G = g.array();
  const R lr = R(s_.lr), mu = R(s_.momentum), b1 = R(s_.beta1), b2 = R(s_.beta2);
  switch (kind_) {
    case OptimizerKind::Sgd:
      w -= lr * G;
      return;
    case OptimizerKind::Momentum: {
      auto v = memory(state, state_name::velocity, n).array();
      v = mu * v + G;
      w -= lr * v;
      return;
    }
    case OptimizerKind::Nesterov: {
      auto v = memory(state, state_name::velocity, n).array();
      v = mu * v + G;
      w -= lr * (G + mu * v);
      return;
    }
    case OptimizerKind::AdamW:
      if (s_.weight_decay > 0) w *= R(1.0 - s_.lr * s_.weight_decay);
      [[fallthrough]];
    case OptimizerKind::Adam: {
      auto m = memory(state, state_name::first_moment, n).array();
      auto v = memory(state, state_name::second_moment, n).array();
      m = b1 * m + (R(1) - b1) * G;
      v = b2 * v + (R(1) - b2) * squared_magnitude(G);
      const double c1 = 1.0 - std::pow(s_.beta1, double(t)), c2 = 1.0 - std::pow(s_.beta2, double(t));
      if (s_.bias_correction == BiasCorrection::StepSize) {
        const R step = R(s_.lr * std::sqrt(c2) / c1), eps = R(s_.eps * std::sqrt(c2));
        w -= step * m / (v.real().sqrt() + eps);
      } else {
        w -= lr * ((m / R(c1)) / ((v.real() / R(c2)).sqrt() + R(s_.eps)));
      }
      return;
    }
  }
}

template <class S>
void NetworkOptimizer<S>::step(std::vector<Parameter<S>>& params) {
  std::vector<Parameter<S>*> each;
  for (auto& p : params) each.push_back(&p);
  step(each);
}

template <class S>
void NetworkOptimizer<S>::step(const std::vector<Parameter<S>*>& params) {
  // One memory per array, allocated on its own: the vectorised loops then split every array
  // exactly as they always did, which float Adam's approximate packet sqrt can tell.
  state_.resize(params.size());
  ++t_;
  for (size_t i = 0; i < params.size(); ++i) {
    Eigen::Map<Vector<S>> p(params[i]->value.data(), params[i]->value.size());
    const Eigen::Map<const Vector<S>> g(params[i]->grad.data(), params[i]->grad.size());
    optimizer_.step(t_, p, g, state_[i]);
    params[i]->grad.setZero();
  }
}

template class Optimizer<float>;
template class Optimizer<double>;
template class Optimizer<std::complex<double>>;
template class NetworkOptimizer<float>;
template class NetworkOptimizer<double>;

}  // namespace physml::autodiff
