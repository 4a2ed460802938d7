#include "mc/model.hpp"

#include "mc/spin_energy.hpp"
#include "mc/spin_models.hpp"

namespace physml {

namespace {

using registry::Description;

template <class Spin>
void add_model(ModelRegistry& r) {
  Description d;
  d.concept = "model";
  d.name = Spin::name;
  d.summary = Spin::summary;
  d.parameters = {{"J", "float", "coupling; > 0 ferromagnetic"}, {"h", "float", "magnetic field"}};
  for (auto& p : Spin::extra_parameters()) d.parameters.push_back(p);
  // clusters: a Fortuin-Kasteleyn representation for Wolff and Swendsen-Wang (at h = 0)
  d.capabilities = {{"clusters", true}, {"staggered_order", Spin::staggered_order}};
  r.add(d, [](double J, double h, int q) { return Spin::model(J, h, q); });
}

const bool registered = [] {
  auto& r = ModelRegistry::instance();
  add_model<IsingSpin>(r);
  add_model<PottsSpin>(r);
  return true;
}();

}  // namespace

Model make_model(const std::string& name, double J, double h, int q) {
  return ModelRegistry::instance().get(name, "model")(J, h, q);
}

int Model::n_states() const {
  return with_spin_model(*this, [](auto spin) { return spin.n_states(); });
}

EnergyParts energy_parts(const Lattice& lat, const Model& model, const int8_t* spins) {
  return with_spin_model(model, [&](auto spin) { return energy_parts(lat, spin, spins); });
}

double energy(const Lattice& lat, const Model& model, const int8_t* spins) {
  return energy_from_parts(model, energy_parts(lat, model, spins));
}

double magnetization(const Lattice& lat, const Model& model, const int8_t* spins) {
  return with_spin_model(model, [&](auto spin) { return spin.order_parameter(spins, lat.n_sites()); });
}

bool has_staggered_order(const Model& model) {
  return with_spin_model(model, [](auto spin) { return decltype(spin)::staggered_order; });
}

double staggered_magnetization(const Lattice& lat, const Model& model, const int8_t* spins) {
  return with_spin_model(model, [&](auto spin) {
    using Spin = decltype(spin);
    if constexpr (Spin::staggered_order)
      return spin.staggered_order_parameter(spins, lat.colors().data(), lat.n_sites());
    else
      return 0.0;
  });
}

}  // namespace physml
