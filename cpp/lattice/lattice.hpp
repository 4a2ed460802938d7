#pragma once
// A finite lattice: a registered unit cell (lattice/unit_cell.hpp) repeated L times along
// each axis, each axis periodic or open. Classical Monte Carlo, the spin Hamiltonians, the
// VMC symmetries and the periodic convolutions all read their geometry from here, so a bond
// means the same thing everywhere.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "lattice/unit_cell.hpp"

namespace physml {

enum class Boundary { Periodic, Open };

using SiteMap = std::vector<int32_t>;  // site i goes to map[i]
using BondList = std::vector<std::pair<int32_t, int32_t>>;

class Lattice {
 public:
  // name: a registered lattice; open: every axis open (otherwise every axis periodic).
  Lattice(const std::string& name, int L, bool open = false);
  Lattice(const std::string& name, int L, const std::vector<Boundary>& boundaries);

  const std::string& name() const { return name_; }
  const UnitCell& cell() const { return cell_; }
  int dimension() const { return cell_.dimension; }
  int basis() const { return cell_.basis; }
  int linear_size() const { return L_; }
  int n_cells() const { return n_cells_; }
  int n_sites() const { return n_sites_; }
  const std::vector<Boundary>& boundaries() const { return boundaries_; }
  bool periodic() const;
  // Array shape of a configuration: L per axis, then the basis where it has several sites:
  // (L,), (L, L), (L, L, 2), (L, L, L).
  const std::vector<int>& shape() const { return shape_; }

  // The largest number of neighbours of a site; every site has it on a periodic lattice.
  int coordination() const { return z_; }
  bool uniform_coordination() const { return uniform_; }
  // coordination() entries per site, row-major, -1 past a site's own neighbours (open
  // boundaries only); a bond that wraps onto the same pair twice (periodic L = 2) appears
  // twice, as it does in the energy.
  const std::vector<int32_t>& neighbors() const { return neighbors_; }
  const int32_t* neighbors_of(int site) const { return neighbors_.data() + size_t(site) * z_; }
  // Each nearest-neighbour bond once, as (i, j), cell after cell, in the cell's offset order.
  const BondList& bonds() const { return bonds_; }
  // The same for the next-nearest neighbours (empty where the lattice names none).
  const BondList& next_nearest_bonds() const { return next_bonds_; }
  bool has_next_nearest() const { return !cell_.next_nearest.empty(); }
  // Whether the nearest offsets are the unit vectors of a one-site cell (chain, square, cubic).
  bool hypercubic() const;

  // A proper colouring: no bond joins two sites of one colour, so all sites of a colour can be
  // updated at once. The cell's textbook pattern where it fits, greedy otherwise.
  int n_colors() const { return int(color_sites_.size()); }
  const std::vector<int32_t>& colors() const { return colors_; }
  const std::vector<std::vector<int32_t>>& color_classes() const { return color_sites_; }
  bool bipartite() const { return n_colors() == 2; }

  // Cell coordinates (x, y, z; unused axes 0) and basis index of a site, and back.
  std::array<int, 3> cell_of(int site) const;
  int site(const std::array<int, 3>& cell, int b) const;

  // Translations by every cell displacement along the periodic axes, displacement 0 first, in
  // the order of cell indices; the identity alone where no axis is periodic.
  std::vector<SiteMap> translations() const;
  // Point-group maps about the origin (one-site cells with every axis periodic; otherwise the
  // identity alone): every integer matrix that maps the set of nearest-neighbour vectors onto
  // itself, identity first. Square: 8 (C4v), triangular: 12 (C6v), chain: 2, cubic: 48.
  std::vector<SiteMap> point_group() const;
  // Every product t p of a translation and a point-group map, each once, identity first: the
  // space group of a one-site lattice (square L x L: 8 L^2 elements for L > 2).
  std::vector<SiteMap> space_group() const;
  // The group registered under `name` (concept "symmetry_group": translations | lattice).
  std::vector<SiteMap> symmetry_group(const std::string& name) const;

 private:
  void build_bonds(const std::vector<BondOffset>& offsets, BondList& out) const;
  void build_neighbors();
  void build_coloring();

  std::string name_;
  UnitCell cell_;
  int L_;
  std::vector<Boundary> boundaries_;
  int n_cells_ = 0;
  int n_sites_ = 0;
  int z_ = 0;
  bool uniform_ = true;
  std::vector<int> shape_;
  std::vector<int32_t> neighbors_;
  BondList bonds_, next_bonds_;
  std::vector<int32_t> colors_;
  std::vector<std::vector<int32_t>> color_sites_;
};

}  // namespace physml
