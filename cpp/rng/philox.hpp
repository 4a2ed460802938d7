#pragma once
// Philox4x32-10 (Salmon et al., SC'11): a counter-based generator. Every random
// number is a pure function of (key, counter), so a draw can be addressed by
// (replica, site, sweep) and the result cannot depend on which thread asks.
#include <array>
#include <cstdint>

namespace physml {

using Counter = std::array<uint32_t, 4>;
using Key = std::array<uint32_t, 2>;

inline Counter philox4x32(Counter c, Key k) {
  constexpr uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
  constexpr uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    const uint64_t p0 = uint64_t(M0) * c[0];
    const uint64_t p1 = uint64_t(M1) * c[2];
    c = {uint32_t(p1 >> 32) ^ c[1] ^ k[0], uint32_t(p1), uint32_t(p0 >> 32) ^ c[3] ^ k[1],
         uint32_t(p0)};
    k[0] += W0;
    k[1] += W1;
  }
  return c;
}

// SplitMix64 finaliser: turns a user seed (often 0, 1, 2...) into a well-mixed key.
inline uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

inline Key make_key(uint64_t seed) {
  const uint64_t k = splitmix64(seed);
  return {uint32_t(k), uint32_t(k >> 32)};
}

// 53-bit uniform double in [0, 1) from two 32-bit words.
inline double to_unit(uint32_t a, uint32_t b) {
  return double((uint64_t(a >> 5) << 26) | (b >> 6)) * (1.0 / 9007199254740992.0);
}

// What a stream of draws is for; part of the counter so purposes never share numbers.
enum class Purpose : uint32_t {
  SiteUpdate = 1,
  RowSeed = 2,
  Cluster = 3,
  BondActivation = 4,
  ClusterFlip = 5,
  Exchange = 6,
  Initial = 7,
  Proposal = 8,    // whole configurations an independence update proposes
  Acceptance = 9,  // its accept/reject draws
};

inline uint32_t stream_id(uint32_t replica, Purpose p) {
  return (replica << 4) | static_cast<uint32_t>(p);
}

// Addressed draw: four words for (index, stream, step).
inline Counter draw(const Key& key, uint32_t index, uint32_t stream, uint64_t step) {
  return philox4x32({index, stream, uint32_t(step), uint32_t(step >> 32)}, key);
}

// A sequential stream over the same generator, for inherently serial updates
// (Wolff clusters, replica exchange). Its whole state is (block, pos).
class PhiloxStream {
 public:
  PhiloxStream() = default;
  PhiloxStream(Key key, uint32_t stream) : key_(key), stream_(stream) {}

  uint32_t next_u32() {
    if (pos_ == 4) {
      buf_ = draw(key_, 0, stream_, block_++);
      pos_ = 0;
    }
    return buf_[pos_++];
  }
  double uniform() {
    const uint32_t a = next_u32();
    return to_unit(a, next_u32());
  }
  // Unbiased integer in [0, n) by rejection (Lemire's method).
  uint32_t below(uint32_t n) {
    uint64_t m = uint64_t(next_u32()) * n;
    uint32_t low = uint32_t(m);
    if (low < n) {
      const uint32_t threshold = uint32_t(-n) % n;
      while (low < threshold) {
        m = uint64_t(next_u32()) * n;
        low = uint32_t(m);
      }
    }
    return uint32_t(m >> 32);
  }

  uint64_t block() const { return block_; }
  int pos() const { return pos_; }
  void restore(uint64_t block, int pos) {
    block_ = block;
    pos_ = pos;
    if (pos_ < 4) buf_ = draw(key_, 0, stream_, block_ - 1);
  }

 private:
  Key key_{0, 0};
  uint32_t stream_ = 0;
  uint64_t block_ = 0;
  int pos_ = 4;
  Counter buf_{0, 0, 0, 0};
};

}  // namespace physml
