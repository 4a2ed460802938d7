#pragma once
// xoshiro256** (Blackman & Vigna): a fast sequential generator for updates that
// draw an unpredictable number of values one after another (Wolff clusters). Each
// replica seeds its own from the counter-based Philox, so streams stay independent
// and the four state words are all a checkpoint needs.
#include <cstdint>

#include "rng/philox.hpp"

namespace physml {

class Xoshiro256 {
 public:
  Xoshiro256() = default;
  Xoshiro256(const Key& key, uint32_t stream) {
    const Counter a = draw(key, 0, stream, 0), b = draw(key, 1, stream, 0);
    s_[0] = uint64_t(a[0]) | uint64_t(a[1]) << 32;
    s_[1] = uint64_t(a[2]) | uint64_t(a[3]) << 32;
    s_[2] = uint64_t(b[0]) | uint64_t(b[1]) << 32;
    s_[3] = uint64_t(b[2]) | uint64_t(b[3]) << 32;
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Unbiased integer in [0, n) (Lemire's multiply-and-reject).
  uint32_t below(uint32_t n) {
    uint64_t m = (next() >> 32) * n;
    uint32_t low = uint32_t(m);
    if (low < n) {
      const uint32_t threshold = uint32_t(-n) % n;
      while (low < threshold) {
        m = (next() >> 32) * n;
        low = uint32_t(m);
      }
    }
    return uint32_t(m >> 32);
  }

  const uint64_t* state() const { return s_; }
  void restore(const uint64_t* words) {
    for (int i = 0; i < 4; ++i) s_[i] = words[i];
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4] = {1, 0, 0, 0};
};

// Threshold t with P(next() < t) = p to within 2^-64.
inline uint64_t probability_threshold(double p) {
  if (p <= 0.0) return 0;
  if (p >= 1.0) return UINT64_MAX;
  const long double t = static_cast<long double>(p) * 18446744073709551616.0L;
  return t >= 18446744073709551615.0L ? UINT64_MAX : static_cast<uint64_t>(t);
}

}  // namespace physml
