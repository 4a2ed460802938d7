#include "dmrg/mps.hpp"

#include <stdexcept>

namespace physml::dmrg {

Eigen::VectorXd Blocks::flatten() const {
  Eigen::VectorXd v(size());
  long at = 0;
  for (const auto& b : m) {
    v.segment(at, b.size()) = Eigen::Map<const Eigen::VectorXd>(b.data(), b.size());
    at += b.size();
  }
  return v;
}

void Blocks::assign(const Eigen::VectorXd& v) {
  long at = 0;
  for (auto& b : m) {
    Eigen::Map<Eigen::VectorXd>(b.data(), b.size()) = v.segment(at, b.size());
    at += b.size();
  }
}

double Blocks::squared_norm() const {
  double s = 0;
  for (const auto& b : m) s += b.squaredNorm();
  return s;
}

MPS MPS::product(const std::vector<int>& states, bool conserve) {
  MPS psi;
  psi.n = int(states.size());
  psi.charges.conserved = conserve;
  int q = 0;
  psi.bonds.push_back(BondSpace::one(0));
  for (int k = 0; k < psi.n; ++k) {
    q += psi.charges.of(states[size_t(k)]);
    psi.bonds.push_back(BondSpace::one(q));
  }
  psi.sites.resize(size_t(psi.n));
  for (int k = 0; k < psi.n; ++k)
    for (int s = 0; s < kLocalDim; ++s) {
      auto& b = psi.sites[size_t(k)].block[size_t(s)];
      b.assign(1, Eigen::MatrixXd());
      if (psi.right_sector(k, 0, s) >= 0) b[0] = Eigen::MatrixXd::Constant(1, 1, s == states[size_t(k)] ? 1.0 : 0.0);
    }
  return psi;
}

Blocks MPS::left_fused(int k) const {
  const BondSpace& left = bonds[size_t(k)];
  const BondSpace& right = bonds[size_t(k) + 1];
  const Fused rows = Fused::left(left, charges, right.charges);
  Blocks out;
  out.charges = rows.groups.charges;
  for (int g = 0; g < rows.groups.sectors(); ++g)
    out.m.push_back(Eigen::MatrixXd::Zero(rows.groups.dims[size_t(g)], right.dims[size_t(right.find(out.charges[size_t(g)]))]));
  for (int l = 0; l < left.sectors(); ++l)
    for (int s = 0; s < kLocalDim; ++s) {
      const int g = rows.group[size_t(l)][size_t(s)];
      if (g < 0) continue;
      out.m[size_t(g)].middleRows(rows.offset[size_t(l)][size_t(s)], left.dims[size_t(l)]) =
          sites[size_t(k)].block[size_t(s)][size_t(l)];
    }
  return out;
}

void MPS::set_left_fused(int k, const Blocks& b, const Fused& rows) {
  const BondSpace& left = bonds[size_t(k)];
  BondSpace right;
  for (size_t g = 0; g < b.charges.size(); ++g)
    if (b.m[g].cols() > 0) {
      right.charges.push_back(b.charges[g]);
      right.dims.push_back(int(b.m[g].cols()));
    }
  bonds[size_t(k) + 1] = right;
  SiteTensor& t = sites[size_t(k)];
  for (int s = 0; s < kLocalDim; ++s) {
    t.block[size_t(s)].assign(size_t(left.sectors()), Eigen::MatrixXd());
    for (int l = 0; l < left.sectors(); ++l) {
      if (right_sector(k, l, s) < 0) continue;
      const int g = b.find(left.charges[size_t(l)] + charges.of(s));
      const int rg = rows.groups.find(left.charges[size_t(l)] + charges.of(s));
      if (g < 0 || rg < 0 || rows.group[size_t(l)][size_t(s)] != rg) throw std::logic_error("mps: fused rows do not match");
      t.block[size_t(s)][size_t(l)] = b.m[size_t(g)].middleRows(rows.offset[size_t(l)][size_t(s)], left.dims[size_t(l)]);
    }
  }
}

Blocks MPS::right_fused(int k) const {
  const BondSpace& left = bonds[size_t(k)];
  const BondSpace& right = bonds[size_t(k) + 1];
  const Fused cols = Fused::right(right, charges, left.charges);
  Blocks out;
  out.charges = cols.groups.charges;
  for (int g = 0; g < cols.groups.sectors(); ++g)
    out.m.push_back(Eigen::MatrixXd::Zero(left.dims[size_t(left.find(out.charges[size_t(g)]))], cols.groups.dims[size_t(g)]));
  for (int l = 0; l < left.sectors(); ++l)
    for (int s = 0; s < kLocalDim; ++s) {
      const int r = right_sector(k, l, s);
      if (r < 0) continue;
      const int g = cols.group[size_t(r)][size_t(s)];
      out.m[size_t(g)].middleCols(cols.offset[size_t(r)][size_t(s)], right.dims[size_t(r)]) =
          sites[size_t(k)].block[size_t(s)][size_t(l)];
    }
  return out;
}

void MPS::set_right_fused(int k, const Blocks& b, const Fused& cols) {
  BondSpace left;
  for (size_t g = 0; g < b.charges.size(); ++g)
    if (b.m[g].rows() > 0) {
      left.charges.push_back(b.charges[g]);
      left.dims.push_back(int(b.m[g].rows()));
    }
  bonds[size_t(k)] = left;
  const BondSpace& right = bonds[size_t(k) + 1];
  SiteTensor& t = sites[size_t(k)];
  for (int s = 0; s < kLocalDim; ++s) {
    t.block[size_t(s)].assign(size_t(left.sectors()), Eigen::MatrixXd());
    for (int l = 0; l < left.sectors(); ++l) {
      const int r = right_sector(k, l, s);
      if (r < 0) continue;
      const int g = b.find(left.charges[size_t(l)]);
      if (g < 0 || cols.group[size_t(r)][size_t(s)] < 0) throw std::logic_error("mps: fused columns do not match");
      t.block[size_t(s)][size_t(l)] = b.m[size_t(g)].middleCols(cols.offset[size_t(r)][size_t(s)], right.dims[size_t(r)]);
    }
  }
}

long MPS::largest_bond() const {
  long m = 0;
  for (const auto& b : bonds) m = std::max(m, b.total());
  return m;
}

Eigen::VectorXd MPS::dense() const {
  if (n > 24) throw std::invalid_argument("mps: a dense vector needs n <= 24");
  // rows: configurations of the sites so far; per right sector a matrix (configs x dim).
  std::vector<Eigen::MatrixXd> part(1, Eigen::MatrixXd::Ones(1, 1));
  for (int k = 0; k < n; ++k) {
    const BondSpace& left = bonds[size_t(k)];
    const BondSpace& right = bonds[size_t(k) + 1];
    const long configs = long(1) << k;
    std::vector<Eigen::MatrixXd> next(size_t(right.sectors()));
    for (int r = 0; r < right.sectors(); ++r) next[size_t(r)] = Eigen::MatrixXd::Zero(2 * configs, right.dims[size_t(r)]);
    for (int l = 0; l < left.sectors(); ++l)
      for (int s = 0; s < kLocalDim; ++s) {
        const int r = right_sector(k, l, s);
        if (r < 0 || part[size_t(l)].size() == 0) continue;
        next[size_t(r)].middleRows(s * configs, configs) += part[size_t(l)] * sites[size_t(k)].block[size_t(s)][size_t(l)];
      }
    part = std::move(next);
  }
  Eigen::VectorXd v = Eigen::VectorXd::Zero(long(1) << n);
  for (const auto& p : part) v += p.col(0);
  return v;
}

}  // namespace physml::dmrg
