#pragma once
// A feed-forward network from the autodiff engine as a real wave function:
// log psi(s) = sum of the network's outputs for the input s (one value per site, +-1).
// No look-up tables exist for a general network, so ratios come from forward passes,
// batched where the local energy needs many; d log psi / d p from one backward pass.
#include "autodiff/network.hpp"
#include "vmc/ansatz.hpp"

namespace physml::vmc {

class FfnAnsatz final : public Ansatz<double> {
 public:
  FfnAnsatz(const std::string& architecture, autodiff::InputShape input, uint64_t seed);
  std::string name() const override { return "ffn"; }
  long n_params() const override { return n_params_; }
  Vector<double> parameters() const override;
  void set_parameters(const Vector<double>& p) override;
  std::unique_ptr<Walker<double>> walker() const override;
  double log_psi(const Config& s) const override;

  // log psi of each row of x (configurations as +-1 doubles), on the given network copy.
  static Vector<double> log_psi_batch(const autodiff::Network<double>& net,
                                      const autodiff::Matrix<double>& x);

 private:
  class FfnWalker;
  autodiff::Network<double> net_;
  long n_params_ = 0;
};

}  // namespace physml::vmc
