#pragma once
// Two-body Jastrow state: log psi(s) = sum_{i<j} J_ij s_i s_j, one parameter per pair in the
// order (0,1), (0,2), ..., (1,2), ... The walker keeps the local fields f_i = sum_j J_ij s_j.
#include "vmc/ansatz.hpp"

namespace physml::vmc {

template <class T>
class JastrowAnsatz final : public Ansatz<T> {
 public:
  using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;

  explicit JastrowAnsatz(int n_sites);
  std::string name() const override { return "jastrow"; }
  long n_params() const override { return long(this->n_sites_) * (this->n_sites_ - 1) / 2; }
  Vector<T> parameters() const override;
  void set_parameters(const Vector<T>& p) override;
  std::unique_ptr<Walker<T>> walker() const override;
  T log_psi(const Config& s) const override;

 private:
  class JastrowWalker;
  Matrix J_;  // symmetric, zero diagonal
};

}  // namespace physml::vmc
