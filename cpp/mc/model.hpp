#pragma once
// Classical spin Hamiltonians on a Lattice. What the algorithms know of each model is
// its trait (mc/spin_models.hpp); Model is the run-time handle they are picked by.
//   Ising:  H = -J sum_<ij> s_i s_j - h sum_i s_i,            s = +-1
//   Potts:  H = -J sum_<ij> delta(s_i, s_j) - h sum_i delta(s_i, 0),  s = 0..q-1
// J > 0 is ferromagnetic. Configurations are int8 arrays in site order.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lattice/lattice.hpp"
#include "registry/registry.hpp"

namespace physml {

enum class ModelKind { Ising, Potts };

struct Model {
  ModelKind kind = ModelKind::Ising;
  double J = 1.0;
  double h = 0.0;
  int q = 2;

  bool is_ising() const { return kind == ModelKind::Ising; }
  // Number of states of one spin (from the model's trait).
  int n_states() const;
};

// A registered model (mc/model.cpp) from its couplings.
using ModelFactory = std::function<Model(double J, double h, int q)>;
using ModelRegistry = registry::Registry<ModelFactory>;
Model make_model(const std::string& name, double J, double h, int q);

// Integer pieces of the energy: E = -J * bond_sum - h * field_sum, exactly.
struct EnergyParts {
  int64_t bond_sum = 0;   // sum s_i s_j (Ising) or number of equal pairs (Potts)
  int64_t field_sum = 0;  // sum s_i (Ising) or number of spins in state 0 (Potts)
};

EnergyParts energy_parts(const Lattice& lat, const Model& model, const int8_t* spins);
inline double energy_from_parts(const Model& m, const EnergyParts& p) {
  return -m.J * double(p.bond_sum) - m.h * double(p.field_sum);
}
double energy(const Lattice& lat, const Model& model, const int8_t* spins);

// Magnetization per site: m = sum s / N for Ising (signed); for Potts the
// order parameter (q * max_k n_k / N - 1) / (q - 1), in [0, 1].
double magnetization(const Lattice& lat, const Model& model, const int8_t* spins);

// Whether the model orders antiferromagnetically in sum_i (-1)^colour(i) s_i / N (Ising),
// and that staggered magnetization on a two-colourable lattice (0 for other models).
bool has_staggered_order(const Model& model);
double staggered_magnetization(const Lattice& lat, const Model& model, const int8_t* spins);

}  // namespace physml
