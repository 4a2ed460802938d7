#pragma once
// Trained MADEs as the proposal of independence Metropolis-Hastings (mc/global_proposal.hpp):
// one network per training temperature, the one trained nearest the chain's beta proposing,
// with the Z2 mixture (q(s) + q(-s)) / 2 when it was trained so (variational/van.hpp).
#include <vector>

#include "autoregressive/made.hpp"
#include "mc/global_proposal.hpp"

namespace physml::autoregressive {

class MadeProposal : public GlobalProposal {
 public:
  // betas[k]: the inverse temperature nets[k] was trained at.
  MadeProposal(std::vector<double> betas, std::vector<Made> nets, bool z2);

  int n_sites() const override { return nets_.front().n_sites(); }
  int n_states() const override { return 2; }
  void draw(double beta, uint64_t seed, uint64_t first, long rows,
            std::vector<int8_t>& spins) const override;
  std::vector<double> log_q(double beta, const int8_t* spins, long rows) const override;
  // Index of the network that proposes for a chain at beta.
  size_t nearest(double beta) const;

 private:
  std::vector<double> betas_;
  std::vector<Made> nets_;
  bool z2_;
};

}  // namespace physml::autoregressive
