#include "mc/checkerboard_square.hpp"

#include <climits>
#include <cmath>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define PHYSML_X86 1
#endif

namespace physml {

FlipThresholds flip_thresholds(LocalRule rule, double beta, double J) {
  FlipThresholds t{};
  for (int idx = 0; idx < 8; ++idx) {
    const int sh = 2 * idx - 4;  // s * (sum of the four neighbours)
    const double dE = 2.0 * J * sh;
    double p = rule == LocalRule::Metropolis ? std::exp(-beta * dE) : 1.0 / (1.0 + std::exp(beta * dE));
    if (idx > 4) p = 0.0;  // unused slots of the 8-entry table
    if (p >= 1.0)
      t[idx] = INT32_MAX;
    else
      t[idx] = int32_t(std::ceil(p * 2147483648.0)) - 1;
  }
  return t;
}

namespace {

using RowArgs = struct {
  int32_t* own;
  const int32_t* up;
  const int32_t* down;
  const int32_t* same;
  const int32_t* shifted;
};

void row_portable(const RowArgs& a, int k0, int W, LaneState& st, const FlipThresholds& thr) {
  // Fixed-width blocks and a select chain instead of a table lookup, so that the
  // compiler can vectorize this with plain SSE2 on CPUs without AVX2.
  uint32_t r[kLanes];
  for (int k = k0; k < W; k += kLanes) {
    lanes_next(st, r);
    const int n = W - k < kLanes ? W - k : kLanes;
    if (n == kLanes) {
      int32_t* own = a.own + k;
      for (int l = 0; l < kLanes; ++l) {
        const int32_t s = own[l];
        const int32_t sh = s * (a.up[k + l] + a.down[k + l] + a.same[k + l] + a.shifted[k + l]);
        // masks, not branches: all-ones where the condition holds
        const int32_t t = (thr[0] & -int32_t(sh == -4)) | (thr[1] & -int32_t(sh == -2)) |
                          (thr[2] & -int32_t(sh == 0)) | (thr[3] & -int32_t(sh == 2)) |
                          (thr[4] & -int32_t(sh == 4));
        const int32_t flip = -int32_t(int32_t(r[l] >> 1) <= t);
        own[l] = s ^ (flip & ~1);  // +1 <-> -1
      }
      continue;
    }
    for (int l = 0; l < n; ++l) {
      const int j = k + l;
      const int32_t s = a.own[j];
      const int32_t sh = s * (a.up[j] + a.down[j] + a.same[j] + a.shifted[j]);
      if (int32_t(r[l] >> 1) <= thr[(sh + 4) >> 1]) a.own[j] = -s;
    }
  }
}

#ifdef PHYSML_X86
__attribute__((target("avx2"))) inline __m256i rotl_avx2(__m256i x, int k) {
  return _mm256_or_si256(_mm256_slli_epi32(x, k), _mm256_srli_epi32(x, 32 - k));
}

__attribute__((target("avx2"))) inline __m256i ld(const int32_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

__attribute__((target("avx2"))) void row_avx2(const RowArgs& a, int W, LaneState& st,
                                              const FlipThresholds& thr) {
  __m256i s0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(st.s[0]));
  __m256i s1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(st.s[1]));
  __m256i s2 = _mm256_load_si256(reinterpret_cast<const __m256i*>(st.s[2]));
  __m256i s3 = _mm256_load_si256(reinterpret_cast<const __m256i*>(st.s[3]));
  const __m256i table = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(thr.data()));
  const __m256i four = _mm256_set1_epi32(4);
  const __m256i flip_bits = _mm256_set1_epi32(~1);
  int k = 0;
  for (; k + kLanes <= W; k += kLanes) {
    const __m256i sum = _mm256_add_epi32(_mm256_add_epi32(ld(a.up + k), ld(a.down + k)),
                                         _mm256_add_epi32(ld(a.same + k), ld(a.shifted + k)));
    const __m256i s = ld(a.own + k);
    const __m256i sh = _mm256_sign_epi32(sum, s);
    const __m256i idx = _mm256_srai_epi32(_mm256_add_epi32(sh, four), 1);
    const __m256i t = _mm256_permutevar8x32_epi32(table, idx);
    // xoshiro128++ step, lane for lane as in lanes_next()
    const __m256i r = _mm256_add_epi32(rotl_avx2(_mm256_add_epi32(s0, s3), 7), s0);
    const __m256i tt = _mm256_slli_epi32(s1, 9);
    s2 = _mm256_xor_si256(s2, s0);
    s3 = _mm256_xor_si256(s3, s1);
    s1 = _mm256_xor_si256(s1, s2);
    s0 = _mm256_xor_si256(s0, s3);
    s2 = _mm256_xor_si256(s2, tt);
    s3 = rotl_avx2(s3, 11);
    const __m256i reject = _mm256_cmpgt_epi32(_mm256_srli_epi32(r, 1), t);
    const __m256i flipped = _mm256_xor_si256(s, _mm256_andnot_si256(reject, flip_bits));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(a.own + k), flipped);
  }
  _mm256_store_si256(reinterpret_cast<__m256i*>(st.s[0]), s0);
  _mm256_store_si256(reinterpret_cast<__m256i*>(st.s[1]), s1);
  _mm256_store_si256(reinterpret_cast<__m256i*>(st.s[2]), s2);
  _mm256_store_si256(reinterpret_cast<__m256i*>(st.s[3]), s3);
  if (k < W) row_portable(a, k, W, st, thr);
}

bool cpu_has_avx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#else
bool cpu_has_avx2() { return false; }
#endif

bool g_force_portable = false;

bool use_avx2() { return cpu_has_avx2() && !g_force_portable; }

}  // namespace

const char* checkerboard_isa() { return use_avx2() ? "avx2" : "portable"; }

void force_portable_kernel(bool on) { g_force_portable = on; }

SquareCheckerboard::SquareCheckerboard(int L, const Key& key, uint32_t replica)
    : L_(L), W_(L / 2), pitch_(L / 2 + 2) {
  for (auto& s : sub_) s.assign(size_t(L_) * pitch_, 1);
  lanes_.resize(L_);
  for (int i = 0; i < L_; ++i) {
    for (int w = 0; w < 4; ++w)
      for (int half = 0; half < 2; ++half) {
        const Counter c = draw(key, uint32_t(i), stream_id(replica, Purpose::RowSeed), uint64_t(w * 2 + half));
        for (int j = 0; j < 4; ++j) lanes_[i].s[w][half * 4 + j] = c[j];
      }
    for (int l = 0; l < kLanes; ++l)  // xoshiro must not start from all zeros
      if ((lanes_[i].s[0][l] | lanes_[i].s[1][l] | lanes_[i].s[2][l] | lanes_[i].s[3][l]) == 0)
        lanes_[i].s[0][l] = 1;
  }
}

void SquareCheckerboard::load(const int8_t* spins) {
  for (int i = 0; i < L_; ++i) {
    for (int j = 0; j < L_; ++j) row((i + j) & 1, i)[j >> 1] = spins[size_t(i) * L_ + j];
    for (int c = 0; c < 2; ++c) {
      int32_t* r = row(c, i);
      r[-1] = r[W_ - 1];
      r[W_] = r[0];
    }
  }
}

void SquareCheckerboard::store(int8_t* spins) const {
  for (int i = 0; i < L_; ++i)
    for (int j = 0; j < L_; ++j) spins[size_t(i) * L_ + j] = int8_t(row((i + j) & 1, i)[j >> 1]);
}

void SquareCheckerboard::sweeps(const FlipThresholds& thr, int64_t n, int threads) {
  const bool avx2 = use_avx2();
#pragma omp parallel num_threads(threads) if (threads > 1)
  for (int64_t step = 0; step < 2 * n; ++step) {
    const int c = int(step & 1);
#pragma omp for schedule(static)
    for (int i = 0; i < L_; ++i) {
      const int o = 1 - c;
      RowArgs a;
      a.own = row(c, i);
      a.up = row(o, (i + L_ - 1) % L_);
      a.down = row(o, (i + 1) % L_);
      a.same = row(o, i);
      a.shifted = a.same + (((i + c) & 1) ? 1 : -1);
#ifdef PHYSML_X86
      if (avx2)
        row_avx2(a, W_, lanes_[i], thr);
      else
#endif
        row_portable(a, 0, W_, lanes_[i], thr);
      a.own[-1] = a.own[W_ - 1];
      a.own[W_] = a.own[0];
    }
  }
  (void)avx2;
}

EnergyParts SquareCheckerboard::parts() const {
  int64_t bonds = 0, field = 0;
  for (int i = 0; i < L_; ++i) {
    const int32_t* b = row(0, i);
    const int32_t* w = row(1, i);
    const int32_t* up = row(1, (i + L_ - 1) % L_);
    const int32_t* down = row(1, (i + 1) % L_);
    const int32_t* shifted = w + ((i & 1) ? 1 : -1);
    int64_t rb = 0, rf = 0;
    for (int k = 0; k < W_; ++k) {
      rb += b[k] * (up[k] + down[k] + w[k] + shifted[k]);
      rf += b[k] + w[k];
    }
    bonds += rb;
    field += rf;
  }
  return {bonds, field};
}

int64_t SquareCheckerboard::staggered_sum() const {
  int64_t total = 0;
  for (int i = 0; i < L_; ++i) {
    const int32_t* b = row(0, i);
    const int32_t* w = row(1, i);
    for (int k = 0; k < W_; ++k) total += b[k] - w[k];
  }
  return total;
}

std::vector<uint32_t> SquareCheckerboard::rng_state() const {
  std::vector<uint32_t> out;
  out.reserve(size_t(L_) * 4 * kLanes);
  for (const auto& st : lanes_)
    for (int w = 0; w < 4; ++w)
      for (int l = 0; l < kLanes; ++l) out.push_back(st.s[w][l]);
  return out;
}

void SquareCheckerboard::set_rng_state(const std::vector<uint32_t>& words) {
  size_t p = 0;
  for (auto& st : lanes_)
    for (int w = 0; w < 4; ++w)
      for (int l = 0; l < kLanes; ++l) st.s[w][l] = words.at(p++);
}

}  // namespace physml
