#pragma once
// U(1) block sparsity of spin-1/2 matrix product states. A bond's states carry a charge, the
// number of up spins to the left of the bond, when the Hamiltonian conserves S^z; every
// tensor is then a set of dense blocks between matching charges. Without the symmetry every
// charge is 0 and the same code runs with one block per bond.
#include <algorithm>
#include <array>
#include <iterator>
#include <vector>

namespace physml::dmrg {

// Local basis: s = 0 (down), 1 (up).
constexpr int kLocalDim = 2;

struct Charges {
  bool conserved = true;
  int of(int s) const { return conserved ? s : 0; }
};

// The sectors of one bond, by ascending charge.
struct BondSpace {
  std::vector<int> charges;
  std::vector<int> dims;

  int sectors() const { return int(charges.size()); }
  long total() const {
    long t = 0;
    for (int d : dims) t += d;
    return t;
  }
  int find(int q) const {
    const auto it = std::lower_bound(charges.begin(), charges.end(), q);
    return it != charges.end() && *it == q ? int(it - charges.begin()) : -1;
  }
  static BondSpace one(int q) { return {{q}, {1}}; }
};

// A bond fused with a site, its states grouped by total charge: the rows (left fusion:
// charge q_l + n(s)) or columns (right fusion: charge q_r - n(s)) of a two-site tensor
// written as a block-diagonal matrix. (sector, s) sits in group `group[sector][s]` (-1: no
// such group) at row `offset[sector][s]` of it.
struct Fused {
  BondSpace groups;
  std::vector<std::array<int, kLocalDim>> group, offset;

  static Fused make(const BondSpace& bond, const Charges& n, int sign, const std::vector<int>& allowed) {
    Fused f;
    std::vector<int> qs;
    for (int l = 0; l < bond.sectors(); ++l)
      for (int s = 0; s < kLocalDim; ++s) qs.push_back(bond.charges[size_t(l)] + sign * n.of(s));
    std::sort(qs.begin(), qs.end());
    qs.erase(std::unique(qs.begin(), qs.end()), qs.end());
    for (int q : qs)
      if (allowed.empty() || std::binary_search(allowed.begin(), allowed.end(), q)) f.groups.charges.push_back(q);
    f.groups.dims.assign(f.groups.charges.size(), 0);
    f.group.assign(size_t(bond.sectors()), {-1, -1});
    f.offset.assign(size_t(bond.sectors()), {-1, -1});
    for (int l = 0; l < bond.sectors(); ++l)
      for (int s = 0; s < kLocalDim; ++s) {
        const int g = f.groups.find(bond.charges[size_t(l)] + sign * n.of(s));
        if (g < 0) continue;
        f.group[size_t(l)][size_t(s)] = g;
        f.offset[size_t(l)][size_t(s)] = f.groups.dims[size_t(g)];
        f.groups.dims[size_t(g)] += bond.dims[size_t(l)];
      }
    return f;
  }
  // Rows: the bond to the left of a site, grouped by q_l + n(s).
  static Fused left(const BondSpace& bond, const Charges& n, const std::vector<int>& allowed = {}) {
    return make(bond, n, +1, allowed);
  }
  // Columns: the bond to the right of a site, grouped by q_r - n(s).
  static Fused right(const BondSpace& bond, const Charges& n, const std::vector<int>& allowed = {}) {
    return make(bond, n, -1, allowed);
  }
};

// Charges present in both (ascending lists).
inline std::vector<int> common_charges(const BondSpace& a, const BondSpace& b) {
  std::vector<int> out;
  std::set_intersection(a.charges.begin(), a.charges.end(), b.charges.begin(), b.charges.end(),
                        std::back_inserter(out));
  return out;
}

}  // namespace physml::dmrg
