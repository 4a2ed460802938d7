#include "mc/update_rule.hpp"

#include <stdexcept>

#include "mc/cluster_updates.hpp"
#include "mc/local_updates.hpp"

namespace physml {

std::unique_ptr<UpdateRule> make_update_rule(const std::string& name, const Model& model,
                                             const Lattice&) {
  if (name == "metropolis") return std::make_unique<LocalUpdate>(LocalRule::Metropolis);
  if (name == "heatbath") return std::make_unique<LocalUpdate>(LocalRule::HeatBath);
  if (name == "wolff" || name == "sw") {
    if (model.h != 0.0)
      throw std::invalid_argument("--algorithm " + name + " needs h = 0 (use metropolis or heatbath in a field)");
    if (!model.is_ising() && model.J <= 0.0)
      throw std::invalid_argument("--algorithm " + name + " needs J > 0 for the Potts model");
    if (model.J == 0.0) throw std::invalid_argument("--algorithm " + name + " needs J != 0");
    if (name == "wolff") return std::make_unique<WolffUpdate>();
    return std::make_unique<SwendsenWangUpdate>();
  }
  throw std::invalid_argument("unknown algorithm '" + name +
                              "' (choose metropolis, heatbath, wolff, sw)");
}

}  // namespace physml
