#include "lattice/lattice.hpp"

#include <algorithm>
#include <stdexcept>

namespace physml {

LatticeKind parse_lattice_kind(const std::string& name) {
  if (name == "chain") return LatticeKind::Chain;
  if (name == "square") return LatticeKind::Square;
  if (name == "triangular") return LatticeKind::Triangular;
  if (name == "honeycomb") return LatticeKind::Honeycomb;
  if (name == "cubic") return LatticeKind::Cubic;
  throw std::invalid_argument("unknown lattice '" + name +
                              "' (choose chain, square, triangular, honeycomb, cubic)");
}

std::string lattice_kind_name(LatticeKind kind) {
  switch (kind) {
    case LatticeKind::Chain: return "chain";
    case LatticeKind::Square: return "square";
    case LatticeKind::Triangular: return "triangular";
    case LatticeKind::Honeycomb: return "honeycomb";
    case LatticeKind::Cubic: return "cubic";
  }
  return "?";
}

Lattice::Lattice(LatticeKind kind, int L) : kind_(kind), L_(L) {
  if (L < 2) throw std::invalid_argument("lattice size L must be at least 2");
  if (L > (kind == LatticeKind::Cubic ? 1024 : kind == LatticeKind::Chain ? (1 << 28) : 16384))
    throw std::invalid_argument("lattice size L is too large");
  switch (kind) {
    case LatticeKind::Chain: n_sites_ = L; z_ = 2; shape_ = {L}; break;
    case LatticeKind::Square: n_sites_ = L * L; z_ = 4; shape_ = {L, L}; break;
    case LatticeKind::Triangular: n_sites_ = L * L; z_ = 6; shape_ = {L, L}; break;
    case LatticeKind::Honeycomb: n_sites_ = 2 * L * L; z_ = 3; shape_ = {L, L, 2}; break;
    case LatticeKind::Cubic: n_sites_ = L * L * L; z_ = 6; shape_ = {L, L, L}; break;
  }
  build_bonds();
  build_coloring();
}

void Lattice::build_bonds() {
  const int L = L_;
  auto wrap = [L](int a) { return ((a % L) + L) % L; };
  auto sq = [&](int x, int y) { return wrap(y) * L + wrap(x); };
  bonds_.clear();
  bonds_.reserve(size_t(n_sites_) * z_ / 2);
  switch (kind_) {
    case LatticeKind::Chain:
      for (int x = 0; x < L; ++x) bonds_.emplace_back(x, wrap(x + 1));
      break;
    case LatticeKind::Square:
    case LatticeKind::Triangular:
      for (int y = 0; y < L; ++y)
        for (int x = 0; x < L; ++x) {
          bonds_.emplace_back(sq(x, y), sq(x + 1, y));
          bonds_.emplace_back(sq(x, y), sq(x, y + 1));
          if (kind_ == LatticeKind::Triangular) bonds_.emplace_back(sq(x, y), sq(x + 1, y - 1));
        }
      break;
    case LatticeKind::Honeycomb:
      // Site (x, y, s) has index 2*(y*L + x) + s; A = 0 joins B in its own cell
      // and in the cells to the left and below (brick-wall embedding).
      for (int y = 0; y < L; ++y)
        for (int x = 0; x < L; ++x) {
          const int a = 2 * sq(x, y);
          bonds_.emplace_back(a, 2 * sq(x, y) + 1);
          bonds_.emplace_back(a, 2 * sq(x - 1, y) + 1);
          bonds_.emplace_back(a, 2 * sq(x, y - 1) + 1);
        }
      break;
    case LatticeKind::Cubic: {
      auto cu = [&](int x, int y, int zz) { return (wrap(zz) * L + wrap(y)) * L + wrap(x); };
      for (int zz = 0; zz < L; ++zz)
        for (int y = 0; y < L; ++y)
          for (int x = 0; x < L; ++x) {
            bonds_.emplace_back(cu(x, y, zz), cu(x + 1, y, zz));
            bonds_.emplace_back(cu(x, y, zz), cu(x, y + 1, zz));
            bonds_.emplace_back(cu(x, y, zz), cu(x, y, zz + 1));
          }
      break;
    }
  }
  neighbors_.assign(size_t(n_sites_) * z_, -1);
  std::vector<int> fill(n_sites_, 0);
  for (const auto& [i, j] : bonds_) {
    neighbors_[size_t(i) * z_ + fill[i]++] = j;
    neighbors_[size_t(j) * z_ + fill[j]++] = i;
  }
}

int Lattice::pattern_color(int site) const {
  const int L = L_;
  switch (kind_) {
    case LatticeKind::Chain: return site % 2;
    case LatticeKind::Square: return (site / L + site % L) % 2;
    case LatticeKind::Triangular: return ((site % L) - (site / L) + 3 * L) % 3;
    case LatticeKind::Honeycomb: return site % 2;
    case LatticeKind::Cubic: {
      const int x = site % L, y = (site / L) % L, zz = site / (L * L);
      return (x + y + zz) % 2;
    }
  }
  return 0;
}

void Lattice::build_coloring() {
  // The textbook pattern when it fits the periodic boundary, greedy otherwise
  // (odd L, or L not a multiple of 3 on the triangular lattice).
  colors_.resize(n_sites_);
  for (int i = 0; i < n_sites_; ++i) colors_[i] = pattern_color(i);
  bool proper = true;
  for (const auto& [i, j] : bonds_) proper = proper && colors_[i] != colors_[j];
  if (!proper) {
    std::vector<char> used;
    for (int i = 0; i < n_sites_; ++i) {
      used.assign(z_ + 2, 0);
      for (int k = 0; k < z_; ++k) {
        const int j = neighbors_of(i)[k];
        if (j < i) used[colors_[j]] = 1;
      }
      int c = 0;
      while (used[c]) ++c;
      colors_[i] = c;
    }
  }
  const int nc = *std::max_element(colors_.begin(), colors_.end()) + 1;
  color_sites_.assign(nc, {});
  for (int i = 0; i < n_sites_; ++i) color_sites_[colors_[i]].push_back(i);
}

}  // namespace physml
