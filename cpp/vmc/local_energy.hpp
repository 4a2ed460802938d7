#pragma once
// Local energy E_loc(s) = sum_s' <s|H|s'> psi(s')/psi(s), from the Hamiltonian's connected
// configurations and the walker's ratios. With the Marshall sign rule the state is
// psi(s) = (-1)^(number of up spins on sublattice A) phi(s): every flipped A site turns the
// sign of phi's ratio, which is all the rule changes.
#include <vector>

#include "ed/hamiltonian.hpp"
#include "vmc/ansatz.hpp"

namespace physml::vmc {

template <class T>
class LocalEnergy {
 public:
  // sign[i] = -1 on sublattice A with the Marshall rule, +1 elsewhere (empty: no rule).
  LocalEnergy(const SpinHamiltonian& H, std::vector<int8_t> sign) : H_(H), sign_(std::move(sign)) {}

  T operator()(Walker<T>& w) {
    const Config& s = w.config();
    auto z = [&s](int i) { return int(s[size_t(i)]); };
    T e = H_.diagonal(z);
    flips_.clear();
    elements_.clear();
    H_.off_diagonal(z, [&](int i, int j, double element) {
      if (!sign_.empty()) element *= sign_[size_t(i)] * (j >= 0 ? sign_[size_t(j)] : 1);
      flips_.emplace_back(i, j);
      elements_.push_back(element);
    });
    ratios_.resize(flips_.size());
    w.ratios(flips_, ratios_.data());
    for (size_t k = 0; k < flips_.size(); ++k) e += elements_[k] * ratios_[k];
    return e;
  }

 private:
  const SpinHamiltonian& H_;
  std::vector<int8_t> sign_;
  std::vector<Flip> flips_;
  std::vector<double> elements_;
  std::vector<T> ratios_;
};

}  // namespace physml::vmc
