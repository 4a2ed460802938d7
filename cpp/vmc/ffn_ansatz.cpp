#include "vmc/ffn_ansatz.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace physml::vmc {

using autodiff::Matrix;
using autodiff::Tape;
using autodiff::Var;

namespace {

// The mean over consecutive blocks of `block` rows of the sum over outputs: log psi per
// configuration from the network's outputs for its |G| images.
Var block_mean(Tape<double>& t, Var x, long block) {
  const Matrix<double>& v = t.value(x);
  const long rows = v.rows() / block, cols = v.cols();
  Matrix<double> out(rows, 1);
  for (long b = 0; b < rows; ++b) out(b, 0) = v.middleRows(b * block, block).sum() / double(block);
  return t.record(std::move(out), t.needs_grad(x), [x, block, cols](Tape<double>& tp, Var, const Matrix<double>& g) {
    Matrix<double> spread(g.rows() * block, cols);
    for (long b = 0; b < g.rows(); ++b) spread.middleRows(b * block, block).setConstant(g(b, 0) / double(block));
    tp.accumulate(x, spread);
  });
}

Matrix<double> as_row(const Config& s) {
  Matrix<double> x(1, long(s.size()));
  for (size_t i = 0; i < s.size(); ++i) x(0, long(i)) = s[i];
  return x;
}

}  // namespace

Matrix<double> FfnAnsatz::images(const Matrix<double>& x) const {
  if (group_.size() <= 1) return x;
  const long G = long(group_.size());
  Matrix<double> out(x.rows() * G, x.cols());
  for (long b = 0; b < x.rows(); ++b)
    for (long g = 0; g < G; ++g) {
      const auto& perm = group_[size_t(g)];
      for (long i = 0; i < x.cols(); ++i) out(b * G + g, i) = x(b, perm[size_t(i)]);
    }
  return out;
}

Var FfnAnsatz::log_psi_var(Tape<double>& t, const autodiff::Network<double>& net, const std::vector<Var>& params,
                           const Matrix<double>& rows) const {
  const Var out = net.forward(t, t.constant(rows), params, false, 0, 0);
  return block_mean(t, out, std::max<long>(1, long(group_.size())));
}

Vector<double> FfnAnsatz::log_psi_batch(const autodiff::Network<double>& net, const Matrix<double>& x) const {
  Tape<double> t;
  std::vector<Var> params;
  for (const auto& p : net.parameters()) params.push_back(t.constant(p.value));
  const Matrix<double> rows = images(x);  // the tape refers to its constants: keep them alive
  return t.value(log_psi_var(t, net, params, rows)).col(0);
}

class FfnAnsatz::FfnWalker final : public Walker<double> {
 public:
  explicit FfnWalker(const FfnAnsatz& m) : m_(m), net_(m.net_) {}

  void reset(const Config& s) override {
    for (size_t k = 0; k < net_.parameters().size(); ++k)
      net_.parameters()[k].value = m_.net_.parameters()[k].value;  // parameters may have moved
    s_ = s;
    log_psi_ = m_.log_psi_batch(net_, as_row(s_))[0];
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
    const Vector<double> lp = m_.log_psi_batch(net_, x);
    for (size_t k = 0; k < flips.size(); ++k) out[k] = std::exp(lp[long(k)] - log_psi_);
  }

  void flip(int i, int j) override {
    s_[size_t(i)] = int8_t(-s_[size_t(i)]);
    if (j >= 0) s_[size_t(j)] = int8_t(-s_[size_t(j)]);
    log_psi_ = m_.log_psi_batch(net_, as_row(s_))[0];
  }

  void log_derivatives(double* out) override {
    Tape<double> t;
    std::vector<Var> params;
    for (auto& p : net_.parameters()) {
      p.grad.setZero(p.value.rows(), p.value.cols());
      params.push_back(t.parameter(p));
    }
    const Matrix<double> rows = m_.images(as_row(s_));
    t.backward(m_.log_psi_var(t, net_, params, rows));
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

FfnAnsatz::FfnAnsatz(const std::string& architecture, autodiff::InputShape input, uint64_t seed,
                     Permutations group)
    : net_(architecture, input), group_(std::move(group)) {
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
