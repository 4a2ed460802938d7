#include "mc/model.hpp"

#include <algorithm>
#include <stdexcept>

namespace physml {

Model make_model(const std::string& name, double J, double h, int q) {
  Model m;
  m.J = J;
  m.h = h;
  if (name == "ising") {
    m.kind = ModelKind::Ising;
    m.q = 2;
  } else if (name == "potts") {
    if (q < 2 || q > 127) throw std::invalid_argument("Potts q must be between 2 and 127");
    m.kind = ModelKind::Potts;
    m.q = q;
  } else {
    throw std::invalid_argument("unknown model '" + name + "' (choose ising, potts)");
  }
  return m;
}

EnergyParts energy_parts(const Lattice& lat, const Model& model, const int8_t* spins) {
  EnergyParts p;
  const int n = lat.n_sites();
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
