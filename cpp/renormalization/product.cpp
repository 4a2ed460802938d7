#include "renormalization/coarse_graining.hpp"

namespace physml::renormalization {

RowMatrix product(const Eigen::Ref<const RowMatrix>& a, const Eigen::Ref<const RowMatrix>& b, int threads) {
  constexpr Eigen::Index block = 64;
  RowMatrix c(a.rows(), b.cols());
  const Eigen::Index blocks = (a.rows() + block - 1) / block;
#pragma omp parallel for schedule(dynamic) num_threads(threads)
  for (Eigen::Index k = 0; k < blocks; ++k) {
    const Eigen::Index first = k * block, rows = std::min(block, a.rows() - first);
    c.middleRows(first, rows).noalias() = a.middleRows(first, rows) * b;
  }
  return c;
}

}  // namespace physml::renormalization
