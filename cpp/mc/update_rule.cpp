#include "mc/update_rule.hpp"

#include <stdexcept>

#include "mc/cluster_updates.hpp"
#include "mc/local_updates.hpp"
#include "mc/spin_models.hpp"

namespace physml {

namespace {

using registry::Description;

Description rule(const std::string& name, const std::string& summary, bool cluster) {
  Description d;
  d.concept = "update_rule";
  d.name = name;
  d.summary = summary;
  d.capabilities = {{"cluster", cluster}, {"needs_zero_field", cluster}, {"parallel_inside", !cluster},
                    {"adaptive_sweep", name == "wolff"}};
  return d;
}

// Cluster moves rest on the Fortuin-Kasteleyn bond representation: no field, and only
// ferromagnetic bonds where a model has no antiferromagnetic clusters (Potts).
void check_clusters(const std::string& name, const Model& model) {
  if (model.h != 0.0)
    throw std::invalid_argument("--algorithm " + name + " needs h = 0 (use metropolis or heatbath in a field)");
  with_spin_model(model, [&](auto spin) {
    using Spin = decltype(spin);
    if (!Spin::antiferromagnetic_clusters && model.J <= 0.0)
      throw std::invalid_argument("--algorithm " + name + " needs J > 0 for the " + Spin::proper_name + " model");
  });
  if (model.J == 0.0) throw std::invalid_argument("--algorithm " + name + " needs J != 0");
}

const bool registered = [] {
  auto& r = UpdateRuleRegistry::instance();
  r.add(rule("metropolis", "single-spin Metropolis, colour by colour", false),
        [](const Model&, const Lattice&) { return std::make_unique<LocalUpdate>(LocalRule::Metropolis); });
  r.add(rule("heatbath", "single-spin heat bath, colour by colour", false),
        [](const Model&, const Lattice&) { return std::make_unique<LocalUpdate>(LocalRule::HeatBath); });
  r.add(rule("wolff", "Wolff single-cluster flips (N spins per sweep on average)", true),
        [](const Model& m, const Lattice&) -> std::unique_ptr<UpdateRule> {
          check_clusters("wolff", m);
          return std::make_unique<WolffUpdate>();
        });
  r.add(rule("sw", "Swendsen-Wang: every cluster of the bond configuration", true),
        [](const Model& m, const Lattice&) -> std::unique_ptr<UpdateRule> {
          check_clusters("sw", m);
          return std::make_unique<SwendsenWangUpdate>();
        });
  return true;
}();

}  // namespace

std::unique_ptr<UpdateRule> make_update_rule(const std::string& name, const Model& model,
                                             const Lattice& lattice) {
  return UpdateRuleRegistry::instance().get(name, "algorithm")(model, lattice);
}

}  // namespace physml
