#include "lattice/lattice.hpp"

#include <algorithm>
#include <stdexcept>

namespace physml {

Lattice::Lattice(const std::string& name, int L, bool open)
    : Lattice(name, L, std::vector<Boundary>(size_t(LatticeRegistry::instance().get(name, "lattice").dimension),
                                             open ? Boundary::Open : Boundary::Periodic)) {}

Lattice::Lattice(const std::string& name, int L, const std::vector<Boundary>& boundaries)
    : name_(name), cell_(LatticeRegistry::instance().get(name, "lattice")), L_(L), boundaries_(boundaries) {
  if (L < 2) throw std::invalid_argument("lattice size L must be at least 2");
  if (L > cell_.max_linear_size) throw std::invalid_argument("lattice size L is too large");
  if (int(boundaries_.size()) != cell_.dimension)
    throw std::invalid_argument("one boundary condition per lattice axis is needed");
  n_cells_ = 1;
  for (int k = 0; k < cell_.dimension; ++k) {
    n_cells_ *= L;
    shape_.push_back(L);
  }
  if (cell_.basis > 1) shape_.push_back(cell_.basis);
  n_sites_ = n_cells_ * cell_.basis;
  build_bonds(cell_.nearest, bonds_);
  build_bonds(cell_.next_nearest, next_bonds_);
  build_neighbors();
  build_coloring();
}

bool Lattice::periodic() const {
  return std::all_of(boundaries_.begin(), boundaries_.end(), [](Boundary b) { return b == Boundary::Periodic; });
}

bool Lattice::hypercubic() const {
  if (cell_.basis != 1 || int(cell_.nearest.size()) != cell_.dimension) return false;
  for (int k = 0; k < cell_.dimension; ++k)
    for (int a = 0; a < 3; ++a)
      if (cell_.nearest[size_t(k)].shift[size_t(a)] != (a == k)) return false;
  return true;
}

std::array<int, 3> Lattice::cell_of(int site) const {
  int c = site / cell_.basis;
  std::array<int, 3> x{0, 0, 0};
  for (int k = 0; k < cell_.dimension; ++k) {
    x[size_t(k)] = c % L_;
    c /= L_;
  }
  return x;
}

int Lattice::site(const std::array<int, 3>& cell, int b) const {
  int c = 0;
  for (int k = cell_.dimension - 1; k >= 0; --k) c = c * L_ + cell[size_t(k)];
  return c * cell_.basis + b;
}

void Lattice::build_bonds(const std::vector<BondOffset>& offsets, BondList& out) const {
  out.clear();
  out.reserve(size_t(n_cells_) * offsets.size());
  for (int c = 0; c < n_cells_; ++c) {
    const std::array<int, 3> x = cell_of(c * cell_.basis);
    for (const BondOffset& o : offsets) {
      std::array<int, 3> y{0, 0, 0};
      bool inside = true;
      for (int k = 0; k < cell_.dimension; ++k) {
        const int v = x[size_t(k)] + o.shift[size_t(k)];
        if (boundaries_[size_t(k)] == Boundary::Open) {
          inside = inside && v >= 0 && v < L_;
          y[size_t(k)] = v;
        } else {
          y[size_t(k)] = ((v % L_) + L_) % L_;
        }
      }
      if (inside) out.emplace_back(site(x, o.from), site(y, o.to));
    }
  }
}

void Lattice::build_neighbors() {
  std::vector<int> degree(size_t(n_sites_), 0);
  for (const auto& [i, j] : bonds_) {
    ++degree[size_t(i)];
    ++degree[size_t(j)];
  }
  z_ = *std::max_element(degree.begin(), degree.end());
  uniform_ = std::all_of(degree.begin(), degree.end(), [this](int d) { return d == z_; });
  neighbors_.assign(size_t(n_sites_) * size_t(z_), -1);
  std::vector<int> fill(size_t(n_sites_), 0);
  for (const auto& [i, j] : bonds_) {
    neighbors_[size_t(i) * z_ + size_t(fill[size_t(i)]++)] = j;
    neighbors_[size_t(j) * z_ + size_t(fill[size_t(j)]++)] = i;
  }
}

void Lattice::build_coloring() {
  colors_.resize(size_t(n_sites_));
  const int nc = cell_.color_count;
  for (int i = 0; i < n_sites_; ++i) {
    const std::array<int, 3> x = cell_of(i);
    int c = cell_.basis_color[size_t(i % cell_.basis)];
    for (int k = 0; k < cell_.dimension; ++k) c += cell_.color_step[size_t(k)] * x[size_t(k)];
    colors_[size_t(i)] = ((c % nc) + nc) % nc;
  }
  bool proper = true;
  for (const auto& [i, j] : bonds_) proper = proper && colors_[size_t(i)] != colors_[size_t(j)];
  if (!proper) {
    std::vector<char> used;
    for (int i = 0; i < n_sites_; ++i) {
      used.assign(size_t(z_) + 2, 0);
      for (int k = 0; k < z_; ++k) {
        const int j = neighbors_of(i)[k];
        if (j >= 0 && j < i) used[size_t(colors_[size_t(j)])] = 1;
      }
      int c = 0;
      while (used[size_t(c)]) ++c;
      colors_[size_t(i)] = c;
    }
  }
  const int count = *std::max_element(colors_.begin(), colors_.end()) + 1;
  color_sites_.assign(size_t(count), {});
  for (int i = 0; i < n_sites_; ++i) color_sites_[size_t(colors_[size_t(i)])].push_back(i);
}

}  // namespace physml
