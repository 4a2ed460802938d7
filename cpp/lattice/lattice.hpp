#pragma once
// Periodic Bravais lattices (and honeycomb, with a two-site basis) as neighbour
// tables. Classical Monte Carlo and, later, quantum Hamiltonians read the same
// tables, so a bond means the same thing everywhere.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace physml {

enum class LatticeKind { Chain, Square, Triangular, Honeycomb, Cubic };

LatticeKind parse_lattice_kind(const std::string& name);
std::string lattice_kind_name(LatticeKind kind);

class Lattice {
 public:
  Lattice(LatticeKind kind, int L);

  LatticeKind kind() const { return kind_; }
  int linear_size() const { return L_; }
  int n_sites() const { return n_sites_; }
  int coordination() const { return z_; }
  // Array shape of a configuration: (L,), (L, L), (L, L, 2) or (L, L, L).
  const std::vector<int>& shape() const { return shape_; }

  // z neighbours of each site, row-major; a bond that wraps onto the same pair
  // twice (L = 2) appears twice, as it does in the energy.
  const std::vector<int32_t>& neighbors() const { return neighbors_; }
  const int32_t* neighbors_of(int site) const { return neighbors_.data() + size_t(site) * z_; }
  // Each bond once, as (i, j).
  const std::vector<std::pair<int32_t, int32_t>>& bonds() const { return bonds_; }

  // A proper colouring: no bond joins two sites of one colour, so all sites of a
  // colour can be updated at once. Checkerboard where the lattice is bipartite.
  int n_colors() const { return int(color_sites_.size()); }
  const std::vector<int32_t>& colors() const { return colors_; }
  const std::vector<std::vector<int32_t>>& color_classes() const { return color_sites_; }
  bool bipartite() const { return n_colors() == 2; }

 private:
  void build_bonds();
  void build_coloring();
  int pattern_color(int site) const;

  LatticeKind kind_;
  int L_;
  int n_sites_ = 0;
  int z_ = 0;
  std::vector<int> shape_;
  std::vector<int32_t> neighbors_;
  std::vector<std::pair<int32_t, int32_t>> bonds_;
  std::vector<int32_t> colors_;
  std::vector<std::vector<int32_t>> color_sites_;
};

}  // namespace physml
