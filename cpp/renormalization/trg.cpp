// Levin & Nave's tensor renormalization group (PRL 99, 120601 (2007)): every tensor is split
// in two three-leg halves along one diagonal on one sublattice and along the other on the
// other, each split a truncated SVD; the four halves around every other plaquette contract
// into the tensor of a lattice rotated by 45 degrees with half the sites. Cost chi^6.
#include <cmath>

#include "renormalization/coarse_graining.hpp"

namespace physml::renormalization {

namespace {

// m ~ first * second: first (rows, kept), second (kept, cols), sqrt(S) on each side.
struct Halves {
  RowMatrix first, second;
  tensor::Kept kept;
  Eigen::VectorXd s;
};

Halves split(const Eigen::Ref<const RowMatrix>& m, const tensor::Truncation& trunc) {
  tensor::Factors f = tensor::thin_svd(m);
  Halves h;
  h.kept = tensor::choose_kept({f.S}, trunc);
  h.s = f.S;
  tensor::keep_leading(f, h.kept.total);
  const Eigen::VectorXd root = f.S.cwiseSqrt();
  h.first = f.U * root.asDiagonal();
  h.second = (f.V * root.asDiagonal()).transpose();
  return h;
}

}  // namespace

Tensor trg_step(const Tensor& t, const tensor::Truncation& trunc, int threads, Cut& kept) {
  const int dl = t.dim(0), du = t.dim(2);  // right = left, down = up on a uniform network
  // sublattice A: (left, up) | (right, down) -> S1 [l u m], S3 [m r d]
  const Halves a = split(permuted(t, {0, 2, 1, 3}).matrix(2), trunc);
  // sublattice B: (up, right) | (down, left) -> S2 [u r m], S4 [m d l]
  const Halves b = split(permuted(t, {2, 1, 3, 0}).matrix(2), trunc);
  const int ka = a.kept.total, kb = b.kept.total;
  const Tensor s1 = from_matrix(a.first, {dl, du, ka}), s3 = from_matrix(a.second, {ka, dl, du});
  const Tensor s2 = from_matrix(b.first, {du, dl, kb}), s4 = from_matrix(b.second, {kb, du, dl});

  // T'[a b c e] = sum S3[a x y] S4[b z x] S1[w z c] S2[y w e] (l u r d of the rotated lattice):
  // the plaquette's upper-left corner gives S3, upper-right S4, lower-right S1, lower-left S2.
  const RowMatrix x1 = product(permuted(s3, {0, 2, 1}).matrix(2), permuted(s4, {2, 0, 1}).matrix(1), threads);
  const Tensor x1t = permuted(from_matrix(x1, {ka, du, kb, du}), {0, 2, 1, 3});  // (a b), (y z)
  const RowMatrix x2 = product(permuted(s2, {0, 2, 1}).matrix(2), s1.matrix(1), threads);
  const Tensor x2t = permuted(from_matrix(x2, {du, kb, du, ka}), {0, 2, 3, 1});  // (y z), (c e)
  const RowMatrix next = product(x1t.matrix(2), x2t.matrix(2), threads);

  kept.kept = std::max(ka, kb);
  kept.discarded_weight = std::max(a.kept.discarded_weight, b.kept.discarded_weight);
  kept.spectrum.clear();
  for (int k = 0; k < ka; ++k) kept.spectrum.push_back(a.s(k) / a.s(0));
  return permuted(from_matrix(next, {ka, kb, ka, kb}), {0, 2, 1, 3});
}

}  // namespace physml::renormalization
