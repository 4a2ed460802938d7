#pragma once
// One Markov chain: a configuration, its inverse temperature, and the random
// state that makes its future reproducible.
#include <cstdint>
#include <memory>
#include <vector>

#include "mc/checkerboard_square.hpp"
#include "rng/philox.hpp"
#include "rng/xoshiro256.hpp"

namespace physml {

struct Replica {
  uint32_t id = 0;  // fixes the random streams; never changes, even when PT moves it
  double beta = 1.0;
  std::vector<int8_t> spins;
  uint64_t sweeps = 0;     // sweeps ever done: the counter of addressed draws
  Xoshiro256 serial;       // for updates that consume draws one by one
  std::unique_ptr<SquareCheckerboard> fast;  // square-Ising fast path, if it applies
  // Scratch for cluster growth: site i is in the current cluster iff mark[i] == generation.
  std::vector<uint32_t> cluster_mark;
  uint32_t cluster_generation = 0;

  // The configuration as int8 in site order, brought up to date from the fast layout.
  const std::vector<int8_t>& configuration() {
    if (fast) fast->store(spins.data());
    return spins;
  }
};

}  // namespace physml
