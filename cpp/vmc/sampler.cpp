#include "vmc/sampler.hpp"

#include <algorithm>

namespace physml::vmc {

Xoshiro256 chain_rng(uint64_t seed, uint64_t pass, int chain) {
  return Xoshiro256(make_key(splitmix64(seed) ^ splitmix64(pass + 0x5EED)), uint32_t(chain));
}

Config initial_config(int n, int n_up, uint64_t seed, int chain) {
  Xoshiro256 rng = chain_rng(seed, ~uint64_t(0), chain);
  Config s(size_t(n), int8_t(-1));
  if (n_up < 0) {
    for (auto& x : s) x = (rng.next() >> 63) ? 1 : -1;
    return s;
  }
  for (int i = 0; i < n_up; ++i) s[size_t(i)] = 1;
  for (int i = n - 1; i > 0; --i) std::swap(s[size_t(i)], s[rng.below(uint32_t(i + 1))]);  // Fisher-Yates
  return s;
}

}  // namespace physml::vmc
