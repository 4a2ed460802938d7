#pragma once
// A feed-forward network f from the autodiff engine as a real wave function. Without a group,
// log psi(s) = sum of f's outputs for the input s (one value per site, +-1). Over a symmetry
// group G of site permutations, log psi(s) = (1/|G|) sum_g sum of f(g s): invariant under G by
// construction. With a first dense layer this is a group-convolutional network whose first
// layer convolves over G and whose later layers act on each group element apart (a
// dense:alpha,logcosh network has the symmetric RBM's form without its visible bias, to the
// power 1/|G|). The mean, not the sum, keeps log psi at the scale of the engine's Xavier/He
// initialisation.
// No look-up tables exist for a general network, so ratios come from forward passes over all
// |G| images of each configuration, batched where the local energy needs many; d log psi / d p
// from one backward pass.
#include "autodiff/network.hpp"
#include "vmc/ansatz.hpp"

namespace physml::vmc {

using Permutations = std::vector<std::vector<int32_t>>;

class FfnAnsatz final : public Ansatz<double> {
 public:
  // An empty group is the identity alone (the plain network).
  FfnAnsatz(const std::string& architecture, autodiff::InputShape input, uint64_t seed,
            Permutations group = {});
  std::string name() const override { return group_.size() > 1 ? "ffnsymm" : "ffn"; }
  long n_params() const override { return n_params_; }
  Vector<double> parameters() const override;
  void set_parameters(const Vector<double>& p) override;
  std::unique_ptr<Walker<double>> walker() const override;
  double log_psi(const Config& s) const override;

  // log psi of each row of x (configurations as +-1 doubles), on the given network copy.
  Vector<double> log_psi_batch(const autodiff::Network<double>& net, const autodiff::Matrix<double>& x) const;

 private:
  class FfnWalker;
  // Every row of x under every group element: row b |G| + g holds (g x_b)_i = x_b[g[i]].
  autodiff::Matrix<double> images(const autodiff::Matrix<double>& x) const;
  // log psi per configuration from the network's outputs for `rows` = images(x); the tape
  // keeps a reference to `rows`, which must outlive it.
  autodiff::Var log_psi_var(autodiff::Tape<double>& t, const autodiff::Network<double>& net,
                            const std::vector<autodiff::Var>& params, const autodiff::Matrix<double>& rows) const;

  autodiff::Network<double> net_;
  Permutations group_;
  long n_params_ = 0;
};

}  // namespace physml::vmc
