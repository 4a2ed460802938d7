#pragma once
// Symmetric restricted Boltzmann machine (Carleo & Troyer 2017, their translation-invariant
// form; NetKet's RBMSymm): alpha feature maps, each one filter W_f applied at every element g
// of a group of site permutations,
//   psi(s) = exp(a sum_i s_i) prod_f prod_g 2 cosh(b_f + sum_i W_f[i] s_g(i)),
// so that psi(s o h) = psi(s) for every h in the group (h only reorders the hidden units).
// It is an RBM of alpha |G| hidden units with tied weights, so the walker is the RBM's (look-
// up tables: a flip costs O(alpha |G|)), and a log-derivative is the sum of the RBM's over the
// copies of its parameter, formed from the walker's tanh(theta). Parameters: a (1), b (alpha), W (alpha x N, filter after filter).
#include <cstdint>
#include <vector>

#include "vmc/ansatz.hpp"
#include "vmc/rbm_ansatz.hpp"

namespace physml::vmc {

template <class T>
class RbmSymmAnsatz final : public Ansatz<T> {
 public:
  RbmSymmAnsatz(int n_sites, int features, std::vector<std::vector<int32_t>> group);
  std::string name() const override { return "rbmsymm"; }
  long n_params() const override { return 1 + features_ + long(features_) * this->n_sites_; }
  int group_size() const { return int(group_.size()); }
  Vector<T> parameters() const override { return p_; }
  void set_parameters(const Vector<T>& p) override;
  std::unique_ptr<Walker<T>> walker() const override;
  T log_psi(const Config& s) const override { return tied_.log_psi(s); }

 private:
  class SymmWalker;
  // The untied RBM's parameters for these; the log-derivatives from its hidden units'
  // tanh(theta) at configuration s.
  Vector<T> untie(const Vector<T>& p) const;
  void tie(const Eigen::Array<T, Eigen::Dynamic, 1>& t, const Config& s, T* out) const;
  long hidden(int f, int g) const { return long(f) * long(group_.size()) + g; }

  int features_;
  std::vector<std::vector<int32_t>> group_;
  RbmAnsatz<T> tied_;  // the RBM of alpha |G| hidden units these parameters fill
  Vector<T> p_;
};

}  // namespace physml::vmc
