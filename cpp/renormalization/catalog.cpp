// The coarse-graining schemes `physml variational --method` answers to, registered beside
// the variational methods (same concept) with what the CLI needs to know: the models they
// treat, their default bond dimension and how their memory grows with it.
#include "registry/registry.hpp"
#include "renormalization/coarse_graining.hpp"

namespace physml::renormalization {

namespace {

registry::Description scheme(const char* name, const char* summary, int default_bond_dim,
                             double tensors_chi4, double tensors_chi4_per_thread) {
  registry::Description d;
  d.concept = "variational_method";
  d.name = name;
  d.summary = summary;
  d.parameters = {{"bond_dim", "int", "bond dimension chi kept at every cut", 1, 4096},
                  {"size", "int", "linear size of the periodic torus, a power of two (none: the infinite lattice)", 2,
                   1 << 30},
                  {"tol", "float", "infinite lattice: stop once two steps change log Z / N by less (relative)", 0,
                   1e-3, false},
                  {"max_steps", "int", "infinite lattice: most coarse-graining steps", 1, 1000}};
  // renormalization: the square lattice as a tensor network (no --open, no sk); potts: the
  // q-state Potts model too; field: any --h
  d.capabilities = {{"renormalization", true}, {"potts", true}, {"field", true}};
  d.facts = {{"default_bond_dim", default_bond_dim},
             {"memory_chi4", tensors_chi4},
             {"memory_chi4_per_thread", tensors_chi4_per_thread}};
  return d;
}

const bool registered = [] {
  auto& r = registry::Registry<CoarseGrain>::instance();
  r.add(scheme("trg", "Levin-Nave tensor renormalization group, square lattice (chi^6)", 16, 12, 0), &trg_step);
  r.add(scheme("hotrg", "higher-order TRG (Xie et al. 2012), square lattice (chi^7)", 32, 12, 4), &hotrg_step);
  return true;
}();

}  // namespace

}  // namespace physml::renormalization
