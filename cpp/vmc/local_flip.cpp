#include "vmc/local_flip.hpp"

namespace physml::vmc {

std::optional<Flip> LocalFlip::propose(const Config& s, Xoshiro256& rng) const {
  return Flip(int(rng.below(uint32_t(s.size()))), -1);
}

}  // namespace physml::vmc
