#pragma once
// Flip one spin, chosen uniformly: it reaches every configuration, in every magnetization
// sector.
#include "vmc/proposal.hpp"

namespace physml::vmc {

class LocalFlip final : public Proposal {
 public:
  std::optional<Flip> propose(const Config& s, Xoshiro256& rng) const override;
  bool conserves_sz() const override { return false; }
};

}  // namespace physml::vmc
