#pragma once
// Projection onto a spin-flip parity p = +-1 (the Z2 of flipping every spin):
//   psi_p(s) = psi(s) + p psi(-s),
// for any ansatz psi. A walker follows s and -s with two walkers of psi and keeps
// c = psi(-s) / psi(s) (as its logarithm), so a ratio is (r + p c r') / (1 + p c) from the two
// walkers' ratios r, r' of the same flip: twice the cost of psi's, and no evaluation from
// scratch. Log-derivatives are the weighted mean (O(s) + p c O(-s)) / (1 + p c).
#include "vmc/ansatz.hpp"

namespace physml::vmc {

template <class T>
class ParityProjected final : public Ansatz<T> {
 public:
  ParityProjected(std::unique_ptr<Ansatz<T>> psi, int parity);
  std::string name() const override { return psi_->name(); }
  long n_params() const override { return psi_->n_params(); }
  Vector<T> parameters() const override { return psi_->parameters(); }
  void set_parameters(const Vector<T>& p) override { psi_->set_parameters(p); }
  std::unique_ptr<Walker<T>> walker() const override;
  T log_psi(const Config& s) const override;

 private:
  class ProjectedWalker;
  std::unique_ptr<Ansatz<T>> psi_;
  double parity_;
};

}  // namespace physml::vmc
