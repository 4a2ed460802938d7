#include "dmrg/two_site.hpp"

#include <cmath>

namespace physml::dmrg {

namespace {

using Map = Eigen::Map<Eigen::MatrixXd>;
using ConstMap = Eigen::Map<const Eigen::MatrixXd>;

// Charges a two-site state can have on its middle bond: those both fused legs reach.
std::vector<int> middle_charges(const MPS& psi, int k) {
  const Fused r = Fused::left(psi.bonds[size_t(k)], psi.charges);
  const Fused c = Fused::right(psi.bonds[size_t(k) + 2], psi.charges);
  return common_charges(r.groups, c.groups);
}

}  // namespace

TwoSite two_site(const MPS& psi, const MPO& W, int k, const Environment& L, const Environment& R, int threads) {
  TwoSite s;
  s.k = k;
  const std::vector<int> middle = middle_charges(psi, k);
  s.rows = Fused::left(psi.bonds[size_t(k)], psi.charges, middle);
  s.cols = Fused::right(psi.bonds[size_t(k) + 2], psi.charges, middle);
  const Blocks A = psi.left_fused(k), B = psi.right_fused(k + 1);
  s.theta.charges = middle;
  s.offset.push_back(0);
  for (int q : middle) {
    const int gr = s.rows.groups.find(q), gc = s.cols.groups.find(q);
    s.row_group.push_back(gr);
    s.col_group.push_back(gc);
    const int a = A.find(q), b = B.find(q);
    if (a >= 0 && b >= 0)
      s.theta.m.push_back(A.m[size_t(a)] * B.m[size_t(b)]);
    else
      s.theta.m.push_back(Eigen::MatrixXd::Zero(s.rows.groups.dims[size_t(gr)], s.cols.groups.dims[size_t(gc)]));
    s.offset.push_back(s.offset.back() + s.theta.m.back().size());
  }
  s.identity_left = W.start[size_t(k) + 1];
  s.identity_right = W.done[size_t(k) + 1];
  s.LW = left_block_operator(L, W, psi, k, s.rows, threads);
  s.RW = right_block_operator(R, W, psi, k + 1, s.cols, threads);
  // Pair each operator block with theta's blocks; rows and columns shift by the same charge.
  s.terms.resize(middle.size());
  for (int b = 0; b < W.channels(k + 1); ++b)
    for (size_t t = 0; t < middle.size(); ++t) {
      const int gr = s.row_group[t], gc = s.col_group[t];
      if (s.LW.block[size_t(b)][size_t(gr)].size() == 0 || s.RW.block[size_t(b)][size_t(gc)].size() == 0) continue;
      const int to = s.theta.find(s.rows.groups.charges[size_t(s.LW.bra[size_t(b)][size_t(gr)])]);
      if (to >= 0) s.terms[size_t(to)].push_back({b, int(t)});
    }
  return s;
}

void TwoSite::apply(const Eigen::VectorXd& v, Eigen::VectorXd& w, int threads) const {
  w.resize(v.size());
  const int blocks = int(theta.m.size());
#pragma omp parallel for schedule(dynamic) num_threads(threads)
  for (int to = 0; to < blocks; ++to) {
    const long r = theta.m[size_t(to)].rows(), c = theta.m[size_t(to)].cols();
    Map out(w.data() + offset[size_t(to)], r, c);
    out.setZero();
    for (const auto& [b, t] : terms[size_t(to)]) {
      const Eigen::MatrixXd& lw = LW.block[size_t(b)][size_t(row_group[size_t(t)])];
      const Eigen::MatrixXd& rw = RW.block[size_t(b)][size_t(col_group[size_t(t)])];
      const ConstMap in(v.data() + offset[size_t(t)], theta.m[size_t(t)].rows(), theta.m[size_t(t)].cols());
      if (b == identity_left) {
        out.noalias() += in * rw.transpose();
        continue;
      }
      if (b == identity_right) {
        out.noalias() += lw * in;
        continue;
      }
      // The cheaper of (lw in) rw^T and lw (in rw^T).
      const double left_first = double(lw.rows()) * lw.cols() * in.cols() + double(lw.rows()) * in.cols() * rw.rows();
      const double right_first = double(in.rows()) * in.cols() * rw.rows() + double(lw.rows()) * lw.cols() * rw.rows();
      if (left_first <= right_first)
        out.noalias() += (lw * in) * rw.transpose();
      else
        out.noalias() += lw * (in * rw.transpose());
    }
  }
}

namespace {

// Leading eigenvectors of symmetric blocks, as "singular values" sqrt(lambda) descending.
tensor::Factors leading_eigenvectors(const Eigen::MatrixXd& rho) {
  tensor::Factors f;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(rho);
  const long n = rho.rows();
  f.U = eig.eigenvectors().rowwise().reverse();
  f.S = eig.eigenvalues().reverse().cwiseMax(0.0).cwiseSqrt();
  (void)n;
  return f;
}

}  // namespace

Cut cut_two_site(const TwoSite& step, MPS& psi, const MPO& W, bool toward_right, const tensor::Truncation& t,
                 double mixer, int threads) {
  const int k = step.k;
  const Blocks& theta = step.theta;
  const int blocks = int(theta.m.size());
  std::vector<tensor::Factors> f(static_cast<size_t>(blocks));
  if (mixer > 0) {
    // rho over the side that keeps its tensor canonical, perturbed by the operator channels.
    std::vector<Eigen::MatrixXd> rho(static_cast<size_t>(blocks));
    for (int b = 0; b < blocks; ++b)
      rho[size_t(b)] = toward_right ? Eigen::MatrixXd(theta.m[size_t(b)] * theta.m[size_t(b)].transpose())
                                    : Eigen::MatrixXd(theta.m[size_t(b)].transpose() * theta.m[size_t(b)]);
    const int cut = k + 1, start = W.start[size_t(cut)], done = W.done[size_t(cut)];
    for (int to = 0; to < blocks; ++to)
      for (const auto& [c, from] : step.terms[size_t(to)]) {
        if (c == start || c == done) continue;
        if (toward_right) {
          const Eigen::MatrixXd T = step.LW.block[size_t(c)][size_t(step.row_group[size_t(from)])] * theta.m[size_t(from)];
          rho[size_t(to)].noalias() += mixer * T * T.transpose();
        } else {
          const Eigen::MatrixXd T = theta.m[size_t(from)] * step.RW.block[size_t(c)][size_t(step.col_group[size_t(from)])].transpose();
          rho[size_t(to)].noalias() += mixer * T.transpose() * T;
        }
      }
#pragma omp parallel for schedule(dynamic) num_threads(threads)
    for (int b = 0; b < blocks; ++b) f[size_t(b)] = leading_eigenvectors(rho[size_t(b)]);
  } else {
#pragma omp parallel for schedule(dynamic) num_threads(threads)
    for (int b = 0; b < blocks; ++b) f[size_t(b)] = tensor::thin_svd(theta.m[size_t(b)]);
  }
  std::vector<Eigen::VectorXd> values;
  for (const auto& x : f) values.push_back(x.S);
  const tensor::Kept kept = tensor::choose_kept(values, t);
  Cut out;
  out.discarded_weight = kept.discarded_weight;
  out.kept = kept.total;
  // Kept weight of theta itself, to renormalise the state after the cut.
  double weight = 0;
  Blocks canonical, centre;
  canonical.charges = centre.charges = theta.charges;
  for (int b = 0; b < blocks; ++b) {
    const int n = kept.per_block[size_t(b)];
    const Eigen::MatrixXd& th = theta.m[size_t(b)];
    if (toward_right) {
      // mixer: f.U are eigenvectors of the row density matrix; SVD: its left vectors.
      const Eigen::MatrixXd U = f[size_t(b)].U.leftCols(n);
      canonical.m.push_back(U);
      centre.m.push_back(U.transpose() * th);
    } else {
      const Eigen::MatrixXd V = mixer > 0 ? Eigen::MatrixXd(f[size_t(b)].U.leftCols(n)) : Eigen::MatrixXd(f[size_t(b)].V.leftCols(n));
      canonical.m.push_back(V.transpose());
      centre.m.push_back(th * V);
    }
    weight += centre.m.back().squaredNorm();
  }
  if (weight > 0)
    for (auto& m : centre.m) m /= std::sqrt(weight);
  if (mixer == 0) {
    std::vector<double> s;
    for (int b = 0; b < blocks; ++b)
      for (int i = 0; i < kept.per_block[size_t(b)]; ++i) s.push_back(f[size_t(b)].S(i));
    std::sort(s.begin(), s.end(), std::greater<double>());
    out.singular_values = Eigen::Map<Eigen::VectorXd>(s.data(), long(s.size())) / std::sqrt(std::max(weight, 1e-300));
  }
  if (toward_right) {
    psi.set_left_fused(k, canonical, step.rows);
    psi.set_right_fused(k + 1, centre, step.cols);
  } else {
    psi.set_right_fused(k + 1, canonical, step.cols);
    psi.set_left_fused(k, centre, step.rows);
  }
  return out;
}

}  // namespace physml::dmrg
