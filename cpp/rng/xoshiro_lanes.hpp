#pragma once
// Eight independent xoshiro128++ generators advanced in lock-step: one AVX2
// register's worth of 32-bit random words per step. The scalar code below and
// the AVX2 kernel produce identical words, so results do not depend on the CPU.
#include <cstdint>

namespace physml {

constexpr int kLanes = 8;

struct LaneState {
  alignas(32) uint32_t s[4][kLanes];
};

inline uint32_t rotl32(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

inline void lanes_next(LaneState& st, uint32_t out[kLanes]) {
  for (int l = 0; l < kLanes; ++l) {
    uint32_t& s0 = st.s[0][l];
    uint32_t& s1 = st.s[1][l];
    uint32_t& s2 = st.s[2][l];
    uint32_t& s3 = st.s[3][l];
    out[l] = rotl32(s0 + s3, 7) + s0;
    const uint32_t t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl32(s3, 11);
  }
}

}  // namespace physml
