#include "mc/model.hpp"

#include <algorithm>
#include <stdexcept>

namespace physml {

namespace {

using registry::Description;

Description model(const std::string& name, const std::string& summary, std::vector<registry::Parameter> extra) {
  Description d;
  d.concept = "model";
  d.name = name;
  d.summary = summary;
  d.parameters = {{"J", "float", "coupling; > 0 ferromagnetic"}, {"h", "float", "magnetic field"}};
  for (auto& p : extra) d.parameters.push_back(p);
  // clusters: a Fortuin-Kasteleyn representation for Wolff and Swendsen-Wang (at h = 0)
  d.capabilities = {{"clusters", true}, {"staggered_order", name == "ising"}};
  return d;
}

const bool registered = [] {
  auto& r = ModelRegistry::instance();
  r.add(model("ising", "H = -J sum_<ij> s_i s_j - h sum_i s_i, s = +-1", {}),
        [](double J, double h, int) { return Model{ModelKind::Ising, J, h, 2}; });
  r.add(model("potts", "H = -J sum_<ij> delta(s_i, s_j) - h sum_i delta(s_i, 0), s = 0..q-1",
              {{"q", "int", "states per spin", 2, 127}}),
        [](double J, double h, int q) {
          if (q < 2 || q > 127) throw std::invalid_argument("Potts q must be between 2 and 127");
          return Model{ModelKind::Potts, J, h, q};
        });
  return true;
}();

}  // namespace

Model make_model(const std::string& name, double J, double h, int q) {
  return ModelRegistry::instance().get(name, "model")(J, h, q);
}

namespace {

// Sum over bonds of s_i s_j on lattices built from rows of L sites, each bond
// being a fixed shift (dx, dy, dz): contiguous row loops the compiler vectorizes,
// where the generic bond list would gather. Measuring after every sweep of a fast
// update (Wolff) would otherwise cost more than the update.
int64_t shifted_row_products(const int8_t* s, int L, int rows_per_layer, int layers, int dx,
                             int dy, int dz) {
  int64_t total = 0;
  for (int z = 0; z < layers; ++z)
    for (int y = 0; y < rows_per_layer; ++y) {
      const int8_t* a = s + (size_t(z) * rows_per_layer + y) * L;
      const int y2 = (y + dy + rows_per_layer) % rows_per_layer;
      const int z2 = (z + dz + layers) % layers;
      const int8_t* b = s + (size_t(z2) * rows_per_layer + y2) * L;
      int32_t acc = 0;
      const int head = L - dx;  // x + dx stays inside the row for x < head (dx in {0, 1})
      for (int x = 0; x < head; ++x) acc += int32_t(a[x]) * int32_t(b[x + dx]);
      for (int x = head; x < L; ++x) acc += int32_t(a[x]) * int32_t(b[x + dx - L]);
      total += acc;
    }
  return total;
}

// Applies to one-site cells on periodic lattices whose bond offsets step at most one cell
// forward along x (every lattice but the honeycomb).
bool structured_ising_bonds(const Lattice& lat, const int8_t* s, int64_t& bond_sum) {
  if (lat.basis() != 1 || !lat.periodic()) return false;
  for (const BondOffset& o : lat.cell().nearest)
    if (o.shift[0] < 0 || o.shift[0] > 1) return false;
  const int L = lat.linear_size(), d = lat.dimension();
  const int rows = d >= 2 ? L : 1, layers = d >= 3 ? L : 1;
  bond_sum = 0;
  for (const BondOffset& o : lat.cell().nearest)
    bond_sum += shifted_row_products(s, L, rows, layers, o.shift[0], o.shift[1], o.shift[2]);
  return true;
}

}  // namespace

EnergyParts energy_parts(const Lattice& lat, const Model& model, const int8_t* spins) {
  EnergyParts p;
  const int n = lat.n_sites();
  if (model.is_ising() && structured_ising_bonds(lat, spins, p.bond_sum)) {
    int64_t m = 0;
    for (int i = 0; i < n; ++i) m += spins[i];
    p.field_sum = m;
    return p;
  }
  if (model.is_ising()) {
    for (const auto& [i, j] : lat.bonds()) p.bond_sum += spins[i] * spins[j];
    for (int i = 0; i < n; ++i) p.field_sum += spins[i];
  } else {
    for (const auto& [i, j] : lat.bonds()) p.bond_sum += spins[i] == spins[j];
    for (int i = 0; i < n; ++i) p.field_sum += spins[i] == 0;
  }
  return p;
}

double energy(const Lattice& lat, const Model& model, const int8_t* spins) {
  return energy_from_parts(model, energy_parts(lat, model, spins));
}

double magnetization(const Lattice& lat, const Model& model, const int8_t* spins) {
  const int n = lat.n_sites();
  if (model.is_ising()) {
    int64_t m = 0;
    for (int i = 0; i < n; ++i) m += spins[i];
    return double(m) / n;
  }
  std::vector<int64_t> counts(model.q, 0);
  for (int i = 0; i < n; ++i) counts[spins[i]]++;
  const int64_t top = *std::max_element(counts.begin(), counts.end());
  return (double(model.q) * double(top) / n - 1.0) / (model.q - 1);
}

}  // namespace physml
