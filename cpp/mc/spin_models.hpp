#pragma once
// The classical spin models as compile-time traits. The algorithms (local and cluster
// updates, energies, enumeration) are templates over a trait; with_spin_model picks the
// trait once, at the top of a call, so the loops over sites are compiled for one model and
// never ask which model they run.
//
// A trait is a small value (the couplings it needs) with:
//   registry      name, proper_name, summary, extra_parameters(), model(J, h, q) (validates)
//   capabilities  staggered_order, antiferromagnetic_clusters
//   states        n_states(), state(k), valid(v), ordered(), random(u)
//   energy        bond_term(a, b), field_term(a): E = -J sum bond_term - h sum field_term;
//                 order_parameter(s, n) (and staggered_order_parameter where staggered_order)
//   local moves   propose(old, u), delta_energy(...), heat_bath_at(beta, z)(s, nb, x)
//   clusters      bond_probability(beta), satisfied(a, b), clusters_alternate(),
//                 other_state(old, rng) (Wolff), cluster_move(u), moved(a, move) (Swendsen-Wang),
//                 flipped(a) where antiferromagnetic_clusters
// A new model: its trait header (mc/ising_spin.hpp is the example), its ModelKind, its case
// below and its line in the registry (mc/model.cpp).
#include <stdexcept>

#include "mc/ising_spin.hpp"
#include "mc/model.hpp"
#include "mc/potts_spin.hpp"

namespace physml {

// f(spin) with spin the trait of model.kind, built from the model's couplings.
template <class F>
decltype(auto) with_spin_model(const Model& model, F&& f) {
  switch (model.kind) {
    case ModelKind::Ising: return f(IsingSpin(model));
    case ModelKind::Potts: return f(PottsSpin(model));
  }
  throw std::logic_error("with_spin_model: model kind without a trait");
}

}  // namespace physml
