#pragma once
// An autoregressive wave function: psi(s) = sqrt(q(s)) with q a MADE (autoregressive/made.hpp),
// so |psi|^2 = q is normalised and can be sampled exactly, site after site (--sampler direct:
// no chains to equilibrate, no autocorrelation). For Hamiltonians that conserve S^z the
// network is restricted to the sector of the run, so it never spends probability outside it.
// The amplitude is positive; the sign comes from the Marshall rule, as for the other real
// ansaetze. Real parameters; ratios from forward passes (batched over the flips the local
// energy needs), d log psi / d p = (1/2) d log q / d p from one backward pass.
#include "autoregressive/made.hpp"
#include "vmc/ansatz.hpp"

namespace physml::vmc {

class MadeAnsatz final : public Ansatz<double> {
 public:
  // n_up >= 0: q lives on the configurations with n_up spins up.
  MadeAnsatz(int n_sites, int depth, int width, uint64_t seed, int n_up);
  std::string name() const override { return "made"; }
  long n_params() const override { return net_.n_params(); }
  Vector<double> parameters() const override { return net_.parameters(); }
  void set_parameters(const Vector<double>& p) override { net_.set_parameters(p); }
  std::unique_ptr<Walker<double>> walker() const override;
  double log_psi(const Config& s) const override;

 private:
  class MadeWalker;
  autoregressive::Made net_;
};

}  // namespace physml::vmc
