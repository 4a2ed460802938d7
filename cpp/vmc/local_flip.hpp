#pragma once
// Flip one spin, chosen uniformly: it reaches every configuration, in every magnetization
// sector.
#include "vmc/proposal.hpp"

namespace physml::vmc {

class LocalFlip final : public TransitionRule<LocalFlip> {
 public:
  std::optional<Flip> propose(const Config& s, Xoshiro256& rng) const override {
    return Flip(int(rng.below(uint32_t(s.size()))), -1);
  }
  bool conserves_sz() const override { return false; }
};

}  // namespace physml::vmc
