#pragma once
// The hot kernel: single-spin updates of the square-lattice Ising model (h = 0,
// even L) on a checkerboard. Each sublattice is kept as rows of int32 with one
// ghost column at each end, so a row of one colour reads four aligned-or-shifted
// rows of the other colour and updates in 8-wide AVX2 steps. Every row owns
// eight xoshiro128++ lanes, which makes the result independent of how rows are
// spread over threads and identical between the AVX2 and the portable code.
#include <array>
#include <cstdint>
#include <vector>

#include "mc/model.hpp"
#include "rng/philox.hpp"
#include "rng/xoshiro_lanes.hpp"

namespace physml {

// Flip iff (r >> 1) <= threshold[(s * h_local + 4) / 2] for a 32-bit random r.
using FlipThresholds = std::array<int32_t, 8>;

enum class LocalRule { Metropolis, HeatBath };

FlipThresholds flip_thresholds(LocalRule rule, double beta, double J);

// "avx2" or "portable": what this CPU runs.
const char* checkerboard_isa();
// Run the portable loop even where AVX2 exists (to compare the two).
void force_portable_kernel(bool on);

class SquareCheckerboard {
 public:
  SquareCheckerboard(int L, const Key& key, uint32_t replica);

  void load(const int8_t* spins);
  void store(int8_t* spins) const;
  // n sweeps in one parallel region: two barriers per sweep and no thread start-up.
  void sweeps(const FlipThresholds& thr, int64_t n, int threads);
  EnergyParts parts() const;
  // sum over black sites minus sum over white sites
  int64_t staggered_sum() const;

  std::vector<uint32_t> rng_state() const;
  void set_rng_state(const std::vector<uint32_t>& words);

 private:
  int32_t* row(int color, int i) { return sub_[color].data() + size_t(i) * pitch_ + 1; }
  const int32_t* row(int color, int i) const {
    return sub_[color].data() + size_t(i) * pitch_ + 1;
  }

  int L_, W_, pitch_;
  std::vector<int32_t> sub_[2];
  std::vector<LaneState> lanes_;
};

}  // namespace physml
