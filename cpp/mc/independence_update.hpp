#pragma once
// Independence Metropolis-Hastings: a whole configuration s' drawn from a proposal q that
// ignores the current s, accepted with min(1, p(s') q(s) / (p(s) q(s'))). Exact for any q
// that is positive wherever p is; the closer q is to p, the higher the acceptance and the
// shorter the autocorrelation (a trained autoregressive network, Wu, Wang & Zhang 2019;
// McNaughton et al. 2020). A sweep is one proposal; with a companion rule (the hybrid) it is
// one proposal followed by one sweep of that rule, which mends what q misses locally.
#include <memory>

#include "mc/global_proposal.hpp"
#include "mc/update_rule.hpp"

namespace physml {

class IndependenceUpdate : public UpdateRule {
 public:
  IndependenceUpdate(std::shared_ptr<const GlobalProposal> proposal,
                     std::unique_ptr<UpdateRule> companion);
  std::string name() const override { return "neural"; }
  SweepReport sweep(Replica& r, const SweepContext& ctx) const override { return sweeps(r, ctx, 1); }
  SweepReport sweeps(Replica& r, const SweepContext& ctx, int64_t n) const override;
  bool adaptive_sweep() const override { return companion_ && companion_->adaptive_sweep(); }

 private:
  std::shared_ptr<const GlobalProposal> proposal_;
  std::unique_ptr<UpdateRule> companion_;
};

}  // namespace physml
