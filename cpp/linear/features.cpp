#include "linear/features.hpp"

#include <stdexcept>

namespace physml {

Matrix pair_features(const int8_t* configs, long n, long N, int threads) {
  if (double(n) * double(N) * double(N) > 4e9)
    throw std::invalid_argument("pair features would need more than 32 GB");
  Matrix X(n, N * N);
#pragma omp parallel for schedule(static) num_threads(threads) if (threads > 1)
  for (long r = 0; r < n; ++r) {
    const int8_t* s = configs + r * N;
    for (long i = 0; i < N; ++i)
      for (long j = 0; j < N; ++j) X(r, i * N + j) = double(s[i] * s[j]);
  }
  return X;
}

}  // namespace physml
