#include "vmc/rbm_ansatz.hpp"

#include <cmath>

#include "autodiff/tape.hpp"

namespace physml::vmc {

template <class T>
T log_cosh(T x) {
  using std::exp;
  using std::log;
  using std::real;
  const T y = real(x) >= 0 ? x : -x;  // cosh is even
  return y + log(T(1) + exp(-2.0 * y)) - std::log(2.0);
}

template <class T>
class RbmAnsatz<T>::RbmWalker final : public Walker<T> {
 public:
  explicit RbmWalker(const RbmAnsatz& m) : m_(m) {}

  void reset(const Config& s) override {
    this->s_ = s;
    theta_ = (m_.W_ * as_vector<T>(s) + m_.b_).array();
    update_tanh();
  }

  T ratio(int i, int j) override {
    const double si = this->s_[size_t(i)];
    if (j < 0) {
      const T vis = si > 0 ? m_.visible_up_[i] : m_.visible_down_[i];
      return vis * (m_.cosh2W_.col(i).array() - si * t_ * m_.sinh2W_.col(i).array()).prod();
    }
    const double sj = this->s_[size_t(j)];
    e_ = (2.0 * (si * m_.W_.col(i).array() + sj * m_.W_.col(j).array())).exp();
    const T vis = std::exp(-2.0 * (si * m_.a_[i] + sj * m_.a_[j]));
    return vis * (0.5 * ((T(1) - t_) * e_ + (T(1) + t_) / e_)).prod();
  }

  void flip(int i, int j) override {
    theta_ -= (2.0 * this->s_[size_t(i)]) * m_.W_.col(i).array();
    this->s_[size_t(i)] = int8_t(-this->s_[size_t(i)]);
    if (j >= 0) {
      theta_ -= (2.0 * this->s_[size_t(j)]) * m_.W_.col(j).array();
      this->s_[size_t(j)] = int8_t(-this->s_[size_t(j)]);
    }
    update_tanh();
  }

  const Array& hidden_tanh() const { return t_; }

  void log_derivatives(T* out) override {
    const long n = long(this->s_.size()), h = long(t_.size());
    for (long i = 0; i < n; ++i) out[i] = T(this->s_[size_t(i)]);
    for (long k = 0; k < h; ++k) out[n + k] = t_[k];
    T* w = out + n + h;
    for (long i = 0; i < n; ++i) {
      const double si = this->s_[size_t(i)];
      for (long k = 0; k < h; ++k) w[i * h + k] = si * t_[k];
    }
  }

 private:
  // tanh through one exponential, which Eigen vectorises for double (its tanh is scalar
  // there); evaluated into t_ in place, so a move allocates nothing.
  void update_tanh() { t_ = T(1) - T(2) / ((T(2) * theta_).exp() + T(1)); }

  const RbmAnsatz& m_;
  Array theta_, t_, e_;
};

template <class T>
RbmAnsatz<T>::RbmAnsatz(int n_sites, int n_hidden)
    : a_(Vector<T>::Zero(n_sites)), b_(Vector<T>::Zero(n_hidden)), W_(Matrix::Zero(n_hidden, n_sites)) {
  this->n_sites_ = n_sites;
  set_parameters(parameters());
}

template <class T>
Vector<T> RbmAnsatz<T>::parameters() const {
  Vector<T> p(n_params());
  p << a_, b_, Eigen::Map<const Vector<T>>(W_.data(), W_.size());
  return p;
}

template <class T>
void RbmAnsatz<T>::set_parameters(const Vector<T>& p) {
  const long n = a_.size(), h = b_.size();
  a_ = p.head(n);
  b_ = p.segment(n, h);
  W_ = Eigen::Map<const Matrix>(p.data() + n + h, h, n);
  cosh2W_ = (2.0 * W_.array()).cosh().matrix();
  sinh2W_ = (2.0 * W_.array()).sinh().matrix();
  visible_up_ = (-2.0 * a_.array()).exp().matrix();
  visible_down_ = (2.0 * a_.array()).exp().matrix();
}

template <class T>
const Eigen::Array<T, Eigen::Dynamic, 1>& RbmAnsatz<T>::hidden_tanh(const Walker<T>& w) {
  return static_cast<const RbmWalker&>(w).hidden_tanh();
}

template <class T>
std::unique_ptr<Walker<T>> RbmAnsatz<T>::walker() const {
  return std::make_unique<RbmWalker>(*this);
}

template <class T>
T RbmAnsatz<T>::log_psi(const Config& s) const {
  const Vector<T> x = as_vector<T>(s);
  const Vector<T> theta = W_ * x + b_;
  T out = (a_.transpose() * x)(0);  // no conjugation: psi is holomorphic in the parameters
  for (long k = 0; k < theta.size(); ++k) out += log_cosh(theta[k]) + std::log(2.0);
  return out;
}

template <class T>
void RbmAnsatz<T>::log_derivative_gram(const RowMatrix<T>& leading, RowMatrix<T>& G, int threads) const {
  const long n = a_.size(), h = b_.size(), ns = leading.rows();
  const Eigen::MatrixXd s = leading.leftCols(n).real();  // the spins: real for any T
  const Matrix t = leading.middleCols(n, h);
  G.resize(ns, ns);
  // Row blocks fixed by the sizes alone: the same sums for any thread count.
  autodiff::parallel_blocks(ns, double(ns) * double(n + h), threads, [&](long r0, long r1) {
    const Eigen::MatrixXd ss = s.middleRows(r0, r1 - r0) * s.transpose();
    const Matrix tt = t.middleRows(r0, r1 - r0) * t.adjoint();
    G.middleRows(r0, r1 - r0) = (ss.template cast<T>().array() * (T(1) + tt.array()) + tt.array()).matrix();
  });
}

template class RbmAnsatz<double>;
template class RbmAnsatz<std::complex<double>>;
template double log_cosh(double);
template std::complex<double> log_cosh(std::complex<double>);

}  // namespace physml::vmc
