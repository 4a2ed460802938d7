// Higher-order TRG (Xie, Chen, Qin, Zhu, Yang & Xiang, PRB 86, 045139 (2012)): two tensors
// stacked vertically merge into one whose left (and right) legs are the pair of the two, cut
// back to chi by the isometry U of the leading left singular vectors of the pair, i.e. the
// leading eigenvectors of M M^T. The next step merges along the other axis (the result is
// returned with the axes swapped). Cost chi^7 (the contraction), memory chi^4.
#include <algorithm>
#include <cmath>

#include "renormalization/coarse_graining.hpp"

namespace physml::renormalization {

namespace {

// G[(x1 x2), (a1 a2)] = sum M[x1 x2, .] M[a1 a2, .] over everything but the left legs, for
// M the pair of t above t, without forming M (chi^6 instead of chi^8).
RowMatrix left_gram(const Tensor& t, int threads) {
  const int dx = t.dim(0), dy = t.dim(2);
  const Tensor upper = permuted(t, {0, 3, 1, 2});  // (x1, k), (x1', u)
  const Tensor lower = permuted(t, {0, 2, 1, 3});  // (x2, k), (x2', d)
  const RowMatrix a = product(upper.matrix(2), upper.matrix(2).transpose(), threads);
  const RowMatrix b = product(lower.matrix(2), lower.matrix(2).transpose(), threads);
  const Tensor a2 = permuted(from_matrix(a, {dx, dy, dx, dy}), {0, 2, 1, 3});  // (x1 a1), (k k')
  const Tensor b2 = permuted(from_matrix(b, {dx, dy, dx, dy}), {0, 2, 1, 3});  // (x2 a2), (k k')
  const RowMatrix c = product(a2.matrix(2), b2.matrix(2).transpose(), threads);
  return permuted(from_matrix(c, {dx, dx, dx, dx}), {0, 2, 1, 3}).matrix(2);
}

struct Isometry {
  Eigen::MatrixXd U;  // (x1 x2) x kept
  Cut cut;
};

Isometry isometry(const RowMatrix& gram, const tensor::Truncation& trunc) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(Eigen::MatrixXd(gram.selfadjointView<Eigen::Lower>()));
  const Eigen::Index n = gram.rows();
  // eigenvalues ascending; the singular values of M are their roots, descending
  Eigen::VectorXd s(n);
  for (Eigen::Index k = 0; k < n; ++k) s(k) = std::sqrt(std::max(0.0, eig.eigenvalues()(n - 1 - k)));
  const tensor::Kept kept = tensor::choose_kept({s}, trunc);
  Isometry out;
  out.U = eig.eigenvectors().rowwise().reverse().leftCols(kept.total);
  out.cut.kept = kept.total;
  out.cut.discarded_weight = kept.discarded_weight;
  for (int k = 0; k < kept.total; ++k) out.cut.spectrum.push_back(s(k) / s(0));
  return out;
}

bool mirror_symmetric(const Tensor& t) {
  const Tensor m = permuted(t, {1, 0, 2, 3});
  const double scale = max_abs(t);
  for (size_t i = 0; i < t.data.size(); ++i)
    if (std::abs(t.data[i] - m.data[i]) > 1e-13 * scale) return false;
  return true;
}

}  // namespace

Tensor hotrg_step(const Tensor& t, const tensor::Truncation& trunc, int threads, Cut& kept) {
  const int dx = t.dim(0), dy = t.dim(2);
  Isometry iso = isometry(left_gram(t, threads), trunc);
  // Xie et al.: cut on the side that discards less; a mirror-symmetric tensor's sides agree.
  if (!mirror_symmetric(t)) {
    Isometry right = isometry(left_gram(permuted(t, {1, 0, 2, 3}), threads), trunc);
    if (right.cut.discarded_weight < iso.cut.discarded_weight) iso = std::move(right);
  }
  kept = iso.cut;
  const int chi = iso.cut.kept;
  const RowMatrix U = iso.U;

  const auto upper = t.matrix(1);                            // x1, (x1' u k)
  const Tensor lower = permuted(t, {0, 2, 1, 3});            // (x2 k), (x2' d)
  Tensor out({chi, chi, dy, dy});
  const size_t slice = size_t(chi) * dy * dy;
#pragma omp parallel for schedule(dynamic) num_threads(threads)
  for (int X = 0; X < chi; ++X) {
    // U's column X as the matrix (x1, x2)
    RowMatrix ux(dx, dx);
    for (int i = 0; i < dx; ++i)
      for (int j = 0; j < dx; ++j) ux(i, j) = U(Eigen::Index(i) * dx + j, X);
    const RowMatrix p = ux.transpose() * upper;         // x2, (x1' u k)
    const Tensor p2 = permuted(from_matrix(p, {dx, dx, dy, dy}), {1, 2, 0, 3});  // (x1' u), (x2 k)
    const RowMatrix q = p2.matrix(2) * lower.matrix(2);      // (x1' u), (x2' d)
    const Tensor q2 = permuted(from_matrix(q, {dx, dy, dx, dy}), {1, 3, 0, 2});  // (u d), (x1' x2')
    const RowMatrix r = q2.matrix(2) * U;                    // (u d), X'
    double* o = out.data.data() + size_t(X) * slice;
    for (int Xp = 0; Xp < chi; ++Xp)
      for (int ud = 0; ud < dy * dy; ++ud) o[size_t(Xp) * dy * dy + size_t(ud)] = r(ud, Xp);
  }
  return permuted(out, {2, 3, 0, 1});  // the merged axis becomes the next step's vertical
}

}  // namespace physml::renormalization
