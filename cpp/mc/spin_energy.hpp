#pragma once
// Energy pieces and order parameters of one configuration, for a spin-model trait
// (mc/spin_models.hpp). Measuring after every sweep of a fast update (Wolff) would cost
// more than the update with a gathering loop over the bond list, so lattices built from
// rows of L sites take contiguous row loops the compiler vectorizes.
#include <cstdint>

#include "lattice/lattice.hpp"
#include "mc/model.hpp"

namespace physml {

namespace detail {

// Sum over the bonds of one fixed shift (dx, dy, dz), row by row.
template <class Spin>
int64_t shifted_row_bond_sum(const Spin& spin, const int8_t* s, int L, int rows_per_layer,
                             int layers, int dx, int dy, int dz) {
  int64_t total = 0;
  for (int z = 0; z < layers; ++z)
    for (int y = 0; y < rows_per_layer; ++y) {
      const int8_t* a = s + (size_t(z) * rows_per_layer + y) * L;
      const int y2 = (y + dy + rows_per_layer) % rows_per_layer;
      const int z2 = (z + dz + layers) % layers;
      const int8_t* b = s + (size_t(z2) * rows_per_layer + y2) * L;
      int32_t acc = 0;
      const int head = L - dx;  // x + dx stays inside the row for x < head (dx in {0, 1})
      for (int x = 0; x < head; ++x) acc += spin.bond_term(a[x], b[x + dx]);
      for (int x = head; x < L; ++x) acc += spin.bond_term(a[x], b[x + dx - L]);
      total += acc;
    }
  return total;
}

// One-site cells on periodic lattices whose bond offsets step at most one cell forward
// along x (every lattice but the honeycomb): the bonds are then whole shifted rows.
inline bool bonds_are_shifted_rows(const Lattice& lat) {
  if (lat.basis() != 1 || !lat.periodic()) return false;
  for (const BondOffset& o : lat.cell().nearest)
    if (o.shift[0] < 0 || o.shift[0] > 1) return false;
  return true;
}

}  // namespace detail

template <class Spin>
EnergyParts energy_parts(const Lattice& lat, const Spin& spin, const int8_t* s) {
  EnergyParts p;
  if (detail::bonds_are_shifted_rows(lat)) {
    const int L = lat.linear_size(), d = lat.dimension();
    const int rows = d >= 2 ? L : 1, layers = d >= 3 ? L : 1;
    for (const BondOffset& o : lat.cell().nearest)
      p.bond_sum += detail::shifted_row_bond_sum(spin, s, L, rows, layers, o.shift[0], o.shift[1],
                                                 o.shift[2]);
  } else {
    for (const auto& [i, j] : lat.bonds()) p.bond_sum += spin.bond_term(s[i], s[j]);
  }
  const int n = lat.n_sites();
  for (int i = 0; i < n; ++i) p.field_sum += spin.field_term(s[i]);
  return p;
}

}  // namespace physml
