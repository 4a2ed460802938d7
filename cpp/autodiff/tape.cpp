#include "autodiff/tape.hpp"

#include <algorithm>
#include <cmath>

namespace physml::autodiff {

void parallel_blocks(long n, double work_per_item, int threads,
                     const std::function<void(long, long)>& body) {
  // ~5e5 multiply-adds per block keeps the OpenMP overhead below a few per cent.
  constexpr double kWorkPerBlock = 5e5;
  constexpr long kMultiple = 4;  // so that 2 or 4 threads get equal shares
  long blocks = std::clamp<long>(long(std::ceil(double(n) * work_per_item / kWorkPerBlock)), 1,
                                       std::max<long>(1, n / 8));
  if (blocks > 1) blocks = std::min(std::max<long>(1, n / 8), (blocks + kMultiple - 1) / kMultiple * kMultiple);
  if (blocks == 1) {
    body(0, n);
    return;
  }
#ifdef PHYSML_HAVE_OPENMP
#pragma omp parallel for schedule(static) num_threads(threads)
#endif
  for (long b = 0; b < blocks; ++b) body(b * n / blocks, (b + 1) * n / blocks);
  (void)threads;
}

}  // namespace physml::autodiff
