#include "vmc/ffn_ansatz.hpp"

#include <cmath>
#include <stdexcept>

namespace physml::vmc {

using autodiff::Matrix;
using autodiff::Tape;
using autodiff::Var;

namespace {

// Sums a (batch, outputs) value over outputs, keeping the batch: log psi per row.
Var sum_outputs(Tape<double>& t, Var x) {
  Matrix<double> v = t.value(x).rowwise().sum();
  const long cols = t.value(x).cols();
  return t.record(std::move(v), t.needs_grad(x), [x, cols](Tape<double>& tp, Var, const Matrix<double>& g) {
    tp.accumulate(x, g.replicate(1, cols));
  });
}

Matrix<double> as_row(const Config& s) {
  Matrix<double> x(1, long(s.size()));
  for (size_t i = 0; i < s.size(); ++i) x(0, long(i)) = s[i];
  return x;
}

}  // namespace

Vector<double> FfnAnsatz::log_psi_batch(const autodiff::Network<double>& net, const Matrix<double>& x) {
  Tape<double> t;
  std::vector<Var> params;
  for (const auto& p : net.parameters()) params.push_back(t.constant(p.value));
  const Var out = sum_outputs(t, net.forward(t, t.constant(x), params, false, 0, 0));
  return t.value(out).col(0);
}

class FfnAnsatz::FfnWalker final : public Walker<double> {
 public:
  explicit FfnWalker(const FfnAnsatz& m) : m_(m), net_(m.net_) {}

  void reset(const Config& s) override {
    for (size_t k = 0; k < net_.parameters().size(); ++k)
      net_.parameters()[k].value = m_.net_.parameters()[k].value;  // parameters may have moved
    s_ = s;
    log_psi_ = log_psi_batch(net_, as_row(s_))[0];
  }

  double ratio(int i, int j) override {
    double out;
    ratios({{i, j}}, &out);
    return out;
  }

  void ratios(const std::vector<Flip>& flips, double* out) override {
    Matrix<double> x = as_row(s_).replicate(long(flips.size()), 1);
    for (size_t k = 0; k < flips.size(); ++k) {
      x(long(k), flips[k].first) *= -1;
      if (flips[k].second >= 0) x(long(k), flips[k].second) *= -1;
    }
    const Vector<double> lp = log_psi_batch(net_, x);
    for (size_t k = 0; k < flips.size(); ++k) out[k] = std::exp(lp[long(k)] - log_psi_);
  }

  void flip(int i, int j) override {
    s_[size_t(i)] = int8_t(-s_[size_t(i)]);
    if (j >= 0) s_[size_t(j)] = int8_t(-s_[size_t(j)]);
    log_psi_ = log_psi_batch(net_, as_row(s_))[0];
  }

  void log_derivatives(double* out) override {
    Tape<double> t;
    std::vector<Var> params;
    for (auto& p : net_.parameters()) {
      p.grad.setZero(p.value.rows(), p.value.cols());
      params.push_back(t.parameter(p));
    }
    const Matrix<double> x = as_row(s_);
    const Var lp = sum_outputs(t, net_.forward(t, t.constant(x), params, false, 0, 0));
    t.backward(lp);
    for (const auto& p : net_.parameters()) {
      std::copy(p.grad.data(), p.grad.data() + p.grad.size(), out);
      out += p.grad.size();
    }
  }

 private:
  const FfnAnsatz& m_;
  autodiff::Network<double> net_;  // a copy: the tape writes gradients into it
  double log_psi_ = 0;
};

FfnAnsatz::FfnAnsatz(const std::string& architecture, autodiff::InputShape input, uint64_t seed)
    : net_(architecture, input) {
  n_sites_ = int(input.features());
  for (const auto& l : autodiff::parse_architecture(architecture))
    if (l.kind == autodiff::Layer::Kind::Dropout)
      throw std::invalid_argument("dropout has no place in a wave function");
  net_.initialize(autodiff::Init::Auto, seed);
  for (const auto& p : net_.parameters()) n_params_ += long(p.value.size());
}

Vector<double> FfnAnsatz::parameters() const {
  Vector<double> out(n_params_);
  long k = 0;
  for (const auto& p : net_.parameters()) {
    std::copy(p.value.data(), p.value.data() + p.value.size(), out.data() + k);
    k += long(p.value.size());
  }
  return out;
}

void FfnAnsatz::set_parameters(const Vector<double>& v) {
  long k = 0;
  for (auto& p : net_.parameters()) {
    std::copy(v.data() + k, v.data() + k + p.value.size(), p.value.data());
    k += long(p.value.size());
  }
}

std::unique_ptr<Walker<double>> FfnAnsatz::walker() const { return std::make_unique<FfnWalker>(*this); }

double FfnAnsatz::log_psi(const Config& s) const { return log_psi_batch(net_, as_row(s))[0]; }

}  // namespace physml::vmc
