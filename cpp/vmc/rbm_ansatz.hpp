#pragma once
// Restricted Boltzmann machine state (Carleo & Troyer 2017) with the hidden units traced out:
//   psi(s) = exp(sum_i a_i s_i) prod_j 2 cosh(theta_j),  theta = W s + b,
// M = alpha N hidden units. Parameters in the order a (N), b (M), W (M x N, column-major).
#include "vmc/ansatz.hpp"

namespace physml::vmc {

template <class T>
class RbmAnsatz final : public Ansatz<T> {
 public:
  using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using Array = Eigen::Array<T, Eigen::Dynamic, 1>;

  RbmAnsatz(int n_sites, int n_hidden);
  std::string name() const override { return "rbm"; }
  long n_params() const override { return long(a_.size() + b_.size() + W_.size()); }
  int n_hidden() const { return int(b_.size()); }
  Vector<T> parameters() const override;
  void set_parameters(const Vector<T>& p) override;
  std::unique_ptr<Walker<T>> walker() const override;
  T log_psi(const Config& s) const override;
  // O(s) = (s, t, s (x) t) with t = tanh(theta), so
  // <O(x), O(y)> = s.s' + t.t'* + (s.s')(t.t'*): N_s^2 (N + M) work instead of N_s^2 N M.
  long gram_columns() const override { return long(a_.size() + b_.size()); }
  void log_derivative_gram(const RowMatrix<T>& leading, RowMatrix<T>& G, int threads) const override;
  // tanh(theta) of the hidden units as a walker of this ansatz keeps them (for ansaetze built
  // on this one, whose log-derivatives are sums of these).
  static const Eigen::Array<T, Eigen::Dynamic, 1>& hidden_tanh(const Walker<T>& w);

 private:
  class RbmWalker;
  Vector<T> a_, b_;
  Matrix W_;
  // A single flip of site i changes theta by -2 s_i W(:, i); with t = tanh(theta),
  // cosh(theta - x)/cosh(theta) = cosh x - t sinh x, so these make a flip's ratio a product
  // of M multiply-adds with no transcendental function.
  Matrix cosh2W_, sinh2W_;
  Vector<T> visible_up_, visible_down_;  // exp(-2 a_i s_i) for s_i = +1, -1
};

// log cosh without overflow (also for complex arguments away from the zeros of cosh).
template <class T>
T log_cosh(T x);

}  // namespace physml::vmc
