// Lattice symmetries as site permutations, from the unit cell alone.
#include <set>

#include "lattice/lattice.hpp"
#include "registry/registry.hpp"

namespace physml {

namespace {
int wrap(int v, int L) { return ((v % L) + L) % L; }

enum class SymmetryGroup { Translations, Space };

const bool groups = registry::add_values<SymmetryGroup>("symmetry_group", {
    {"translations", "the lattice translations the boundaries allow", SymmetryGroup::Translations},
    {"lattice", "translations times the point group (the space group)", SymmetryGroup::Space},
});
}  // namespace

std::vector<SiteMap> Lattice::translations() const {
  std::vector<SiteMap> out;
  for (int d = 0; d < n_cells_; ++d) {
    const std::array<int, 3> shift = cell_of(d * cell_.basis);
    bool along_periodic = true;
    for (int k = 0; k < cell_.dimension; ++k)
      along_periodic = along_periodic && (shift[size_t(k)] == 0 || boundaries_[size_t(k)] == Boundary::Periodic);
    if (!along_periodic) continue;
    SiteMap t(static_cast<size_t>(n_sites_));
    for (int i = 0; i < n_sites_; ++i) {
      std::array<int, 3> x = cell_of(i);
      for (int k = 0; k < cell_.dimension; ++k) x[size_t(k)] = wrap(x[size_t(k)] + shift[size_t(k)], L_);
      t[size_t(i)] = site(x, i % cell_.basis);
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<SiteMap> Lattice::point_group() const {
  const int d = cell_.dimension;
  SiteMap identity(static_cast<size_t>(n_sites_));
  for (int i = 0; i < n_sites_; ++i) identity[size_t(i)] = i;
  if (cell_.basis != 1 || !periodic()) return {identity};
  std::set<std::array<int, 3>> vectors;
  for (const BondOffset& o : cell_.nearest) {
    vectors.insert(o.shift);
    vectors.insert({-o.shift[0], -o.shift[1], -o.shift[2]});
  }
  std::vector<SiteMap> out{identity};
  // Every matrix with entries in {-1, 0, 1} (3^(d*d) of them, at most 19683).
  int count = 1;
  for (int k = 0; k < d * d; ++k) count *= 3;
  for (int code = 0; code < count; ++code) {
    int M[3][3] = {};
    int c = code;
    bool is_identity = true;
    for (int r = 0; r < d; ++r)
      for (int s = 0; s < d; ++s) {
        M[r][s] = c % 3 - 1;
        c /= 3;
        is_identity = is_identity && M[r][s] == (r == s);
      }
    if (is_identity) continue;
    std::set<std::array<int, 3>> images;
    for (const auto& v : vectors) {
      std::array<int, 3> w{0, 0, 0};
      for (int r = 0; r < d; ++r)
        for (int s = 0; s < d; ++s) w[size_t(r)] += M[r][s] * v[size_t(s)];
      if (vectors.count(w)) images.insert(w);
    }
    // a permutation of a spanning set: M is invertible and a symmetry of the bond graph
    if (images.size() != vectors.size()) continue;
    SiteMap t(static_cast<size_t>(n_sites_));
    for (int i = 0; i < n_sites_; ++i) {
      const std::array<int, 3> x = cell_of(i);
      std::array<int, 3> y{0, 0, 0};
      for (int r = 0; r < d; ++r) {
        int v = 0;
        for (int s = 0; s < d; ++s) v += M[r][s] * x[size_t(s)];
        y[size_t(r)] = wrap(v, L_);
      }
      t[size_t(i)] = site(y, 0);
    }
    out.push_back(std::move(t));
  }
  return out;
}


std::vector<SiteMap> Lattice::space_group() const {
  std::vector<SiteMap> out;
  std::set<SiteMap> seen;
  for (const SiteMap& p : point_group())
    for (const SiteMap& t : translations()) {
      SiteMap g(p.size());
      for (size_t i = 0; i < p.size(); ++i) g[i] = t[size_t(p[i])];
      if (seen.insert(g).second) out.push_back(std::move(g));
    }
  return out;
}

std::vector<SiteMap> Lattice::symmetry_group(const std::string& name) const {
  switch (registry::Registry<SymmetryGroup>::instance().get(name, "symmetry group")) {
    case SymmetryGroup::Translations: return translations();
    case SymmetryGroup::Space: return space_group();
  }
  return {};
}

}  // namespace physml
