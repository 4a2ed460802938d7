#include "mc/update_rule.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "mc/cluster_updates.hpp"
#include "mc/independence_update.hpp"
#include "mc/local_updates.hpp"
#include "mc/spin_models.hpp"

namespace physml {

namespace {

using registry::Description;

// deterministic_at_zero_cost: a move that costs no energy is always made and a colour's
// sites move together, so a configuration whose every move is free repeats exactly; where
// such a cycle exists the chain cannot leave it (ergodicity_problem below).
Description rule(const std::string& name, const std::string& summary, bool cluster,
                 bool deterministic_at_zero_cost, bool needs_proposal = false) {
  Description d;
  d.concept = "update_rule";
  d.name = name;
  d.summary = summary;
  d.capabilities = {{"cluster", cluster}, {"needs_zero_field", cluster},
                    {"parallel_inside", !cluster && !needs_proposal},
                    {"adaptive_sweep", name == "wolff"},
                    {"deterministic_at_zero_cost", deterministic_at_zero_cost},
                    {"needs_proposal", needs_proposal}};
  return d;
}

// A bond that wraps onto the same pair twice (a periodic axis of length 2).
bool has_doubled_bonds(const Lattice& lat) {
  const int z = lat.coordination();
  for (int i = 0; i < lat.n_sites(); ++i) {
    std::vector<int32_t> nb(lat.neighbors_of(i), lat.neighbors_of(i) + z);
    nb.erase(std::remove(nb.begin(), nb.end(), -1), nb.end());
    std::sort(nb.begin(), nb.end());
    if (std::adjacent_find(nb.begin(), nb.end()) != nb.end()) return true;
  }
  return false;
}

// Whether a colour-ordered sweep that always makes free moves has a cycle it never leaves:
// a configuration from which, colour after colour, every site's only proposal costs no
// energy or gains some (so is made with certainty), returning to itself. Searched over every
// configuration and colour phase, which is why it runs only where it is cheap and where the
// cycles are found in practice: the tiny tori with doubled bonds (the 2 x 2 square lattice,
// whose stripes have zero field everywhere). Larger lattices have such cycles too (period-4
// diagonal stripes on L = 4k squares) but a chain enters one with a probability of order
// exp(-|E0|/T) per sweep; docs/monte-carlo.md.
template <class Spin>
bool has_locked_cycle(const Spin& spin, const Lattice& lat) {
  const int n = lat.n_sites(), colours = lat.n_colors(), z = lat.coordination();
  const auto& classes = lat.color_classes();
  const uint64_t states = uint64_t(1) << n;
  auto spins_of = [&](uint64_t bits, std::vector<int8_t>& s) {
    for (int i = 0; i < n; ++i) s[size_t(i)] = spin.state(int(bits >> i & 1));
  };
  // -1: this colour step is random (some move costs energy); else the next configuration.
  auto step = [&](uint64_t bits, int colour, std::vector<int8_t>& s) -> int64_t {
    spins_of(bits, s);
    uint64_t next = bits;
    for (int site : classes[size_t(colour)]) {
      const int8_t old = s[size_t(site)];
      const double dE = spin.delta_energy(s.data(), lat.neighbors_of(site), z, old, spin.propose(old, 0));
      if (dE > 0) return -1;
      next ^= uint64_t(1) << site;
    }
    return int64_t(next);
  };
  // 0 unseen, 1 on the walk being followed, 2 leads to a random step
  std::vector<uint8_t> mark(size_t(states) * size_t(colours), 0);
  std::vector<int8_t> s(static_cast<size_t>(n));
  for (uint64_t start = 0; start < states; ++start) {
    std::vector<size_t> walk;
    uint64_t bits = start;
    int colour = 0;
    while (true) {
      const size_t node = size_t(bits) * size_t(colours) + size_t(colour);
      if (mark[node] == 1) return true;   // back on this walk: a cycle of certain moves
      if (mark[node] == 2) break;
      mark[node] = 1;
      walk.push_back(node);
      const int64_t next = step(bits, colour, s);
      if (next < 0) break;
      bits = uint64_t(next);
      colour = (colour + 1) % colours;
    }
    for (size_t node : walk) mark[node] = 2;
  }
  return false;
}

// Proposals drawn at random (Potts with q > 2) never repeat exactly, so only two-state
// models can lock; a field or a coupling that leaves no free move breaks every cycle.
std::string locked_cycle_problem(const Model& model, const Lattice& lat) {
  if (!lat.periodic() || lat.n_sites() > 20 || !has_doubled_bonds(lat)) return "";
  bool locks = false;
  with_spin_model(model, [&](auto spin) {
    if (spin.n_states() == 2) locks = has_locked_cycle(spin, lat);
  });
  if (!locks) return "";
  return "on the periodic " + lat.name() + " lattice with L = " + std::to_string(lat.linear_size()) +
         " its bonds are doubled and some configurations see zero field at every site, so a "
         "sweep that always makes free moves cycles through them forever and never samples the rest";
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
  // Where Metropolis locks (ergodicity_problem) the engine still builds it: the sweep is a
  // valid one, and tests of the bookkeeping use it there; physml simulate refuses it.
  r.add(rule("metropolis", "single-spin Metropolis, colour by colour", false, true),
        [](const Model&, const Lattice&, const RuleInputs&) { return std::make_unique<LocalUpdate>(LocalRule::Metropolis); });
  r.add(rule("heatbath", "single-spin heat bath, colour by colour", false, false),
        [](const Model&, const Lattice&, const RuleInputs&) { return std::make_unique<LocalUpdate>(LocalRule::HeatBath); });
  r.add(rule("wolff", "Wolff single-cluster flips (N spins per sweep on average)", true, false),
        [](const Model& m, const Lattice&, const RuleInputs&) -> std::unique_ptr<UpdateRule> {
          check_clusters("wolff", m);
          return std::make_unique<WolffUpdate>();
        });
  r.add(rule("sw", "Swendsen-Wang: every cluster of the bond configuration", true, false),
        [](const Model& m, const Lattice&, const RuleInputs&) -> std::unique_ptr<UpdateRule> {
          check_clusters("sw", m);
          return std::make_unique<SwendsenWangUpdate>();
        });
  r.add(rule("neural", "independence Metropolis-Hastings with a trained network (--proposal) "
                       "proposing whole configurations; one proposal per sweep", false, false, true),
        [](const Model& m, const Lattice& lat, const RuleInputs& in) -> std::unique_ptr<UpdateRule> {
          if (!in.proposal) throw std::invalid_argument("--algorithm neural needs --proposal");
          if (in.proposal->n_sites() != lat.n_sites())
            throw std::invalid_argument("the proposal has " + std::to_string(in.proposal->n_sites()) +
                                        " sites, the lattice " + std::to_string(lat.n_sites()));
          if (in.proposal->n_states() != m.n_states())
            throw std::invalid_argument("the proposal's spins have " + std::to_string(in.proposal->n_states()) +
                                        " states, the model's " + std::to_string(m.n_states()));
          std::unique_ptr<UpdateRule> companion;
          if (!in.companion.empty()) {
            if (registry::describe("update_rule", in.companion).capabilities.at("needs_proposal"))
              throw std::invalid_argument("--hybrid " + in.companion + " would alternate neural with itself");
            companion = make_update_rule(in.companion, m, lat);
          }
          return std::make_unique<IndependenceUpdate>(in.proposal, std::move(companion));
        });
  return true;
}();

}  // namespace

std::string ergodicity_problem(const std::string& name, const Model& model, const Lattice& lattice) {
  const Description& d = registry::describe("update_rule", name);
  if (!d.capabilities.at("deterministic_at_zero_cost")) return "";
  return locked_cycle_problem(model, lattice);
}

std::unique_ptr<UpdateRule> make_update_rule(const std::string& name, const Model& model,
                                             const Lattice& lattice, const RuleInputs& inputs) {
  if (!inputs.companion.empty() && !registry::describe("update_rule", name).capabilities.at("needs_proposal"))
    throw std::invalid_argument("--hybrid is for --algorithm neural");
  return UpdateRuleRegistry::instance().get(name, "algorithm")(model, lattice, inputs);
}

}  // namespace physml
