// The lattices physml knows. Site (x, y, z, b) has index ((z L + y) L + x) basis + b.
#include "lattice/unit_cell.hpp"

namespace physml {

namespace {

using registry::Description;

Description lattice(const std::string& name, const std::string& summary, const UnitCell& c) {
  Description d;
  d.concept = "lattice";
  d.name = name;
  d.summary = summary;
  d.parameters = {{"L", "int", "linear size (cells per axis)", 2, double(c.max_linear_size)}};
  d.facts = {{"dimension", c.dimension}, {"basis", c.basis},
             {"coordination", 2.0 * c.nearest.size() / c.basis}, {"max_linear_size", c.max_linear_size}};
  // open_boundaries: offered where the edge is unambiguous (one-site cells with unit-vector
  // bonds); the engine builds open lattices of every cell, the Hamiltonians expose these.
  const bool unit_steps = c.basis == 1 && int(c.nearest.size()) == c.dimension;
  d.capabilities = {{"next_nearest", !c.next_nearest.empty()}, {"open_boundaries", unit_steps},
                    {"point_group", c.basis == 1}, {"bipartite_pattern", c.color_count == 2}};
  return d;
}

BondOffset b(int dx, int dy = 0, int dz = 0, int from = 0, int to = 0) { return {from, to, {dx, dy, dz}}; }

UnitCell chain() {
  UnitCell c;
  c.dimension = 1;
  c.nearest = {b(1)};
  c.next_nearest = {b(2)};
  c.color_step = {1, 0, 0};
  c.max_linear_size = 1 << 28;
  return c;
}

UnitCell square() {
  UnitCell c;
  c.dimension = 2;
  c.nearest = {b(1, 0), b(0, 1)};
  c.next_nearest = {b(1, 1), b(-1, 1)};
  c.color_step = {1, 1, 0};
  return c;
}

UnitCell triangular() {
  UnitCell c;
  c.dimension = 2;
  c.nearest = {b(1, 0), b(0, 1), b(1, -1)};
  c.color_step = {1, -1, 0};
  c.color_count = 3;
  return c;
}

UnitCell honeycomb() {
  // Brick-wall embedding: A (b = 0) joins B (b = 1) in its own cell and the cells to the left
  // and below.
  UnitCell c;
  c.dimension = 2;
  c.basis = 2;
  c.nearest = {b(0, 0, 0, 0, 1), b(-1, 0, 0, 0, 1), b(0, -1, 0, 0, 1)};
  c.basis_color = {0, 1};
  return c;
}

UnitCell cubic() {
  UnitCell c;
  c.dimension = 3;
  c.nearest = {b(1, 0, 0), b(0, 1, 0), b(0, 0, 1)};
  c.color_step = {1, 1, 1};
  c.max_linear_size = 1024;
  return c;
}

const bool registered = [] {
  auto& r = LatticeRegistry::instance();
  r.add(lattice("chain", "one-dimensional chain (z = 2)", chain()), chain());
  r.add(lattice("square", "square lattice (z = 4)", square()), square());
  r.add(lattice("triangular", "triangular lattice (z = 6)", triangular()), triangular());
  r.add(lattice("honeycomb", "honeycomb lattice, two sites per cell (z = 3)", honeycomb()), honeycomb());
  r.add(lattice("cubic", "simple cubic lattice (z = 6)", cubic()), cubic());
  return true;
}();

}  // namespace

}  // namespace physml
