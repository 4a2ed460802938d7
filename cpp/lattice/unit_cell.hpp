#pragma once
// A lattice as data: a unit cell (its sites and the offsets of its bonds) repeated L times
// along each axis. Everything geometric (bond lists, neighbour tables, colourings,
// translations, point-group maps, array shapes) is derived from this, so a new lattice is one
// registration of a UnitCell (lattice/unit_cells.cpp) and nothing else.
#include <array>
#include <string>
#include <vector>

#include "registry/registry.hpp"

namespace physml {

// A bond from basis site `from` of cell x to basis site `to` of cell x + shift.
struct BondOffset {
  int from = 0, to = 0;
  std::array<int, 3> shift{0, 0, 0};
};

struct UnitCell {
  int dimension = 1;
  int basis = 1;                         // sites per cell
  std::vector<BondOffset> nearest;       // each nearest-neighbour bond of a cell once
  std::vector<BondOffset> next_nearest;  // empty where the lattice names none
  // The textbook colouring: site (x, b) has colour (sum_k color_step[k] x_k + basis_color[b])
  // mod color_count; proper whenever it fits the boundary (otherwise a greedy one is used).
  std::array<int, 3> color_step{0, 0, 0};
  std::vector<int> basis_color{0};
  int color_count = 2;
  int max_linear_size = 16384;
};

using LatticeRegistry = registry::Registry<UnitCell>;

}  // namespace physml
