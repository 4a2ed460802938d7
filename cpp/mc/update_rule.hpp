#pragma once
// An update rule moves one replica by one sweep at its own temperature. Which
// replicas are swept, in what order and at which temperature is the sampler's
// business (mc/simulation.hpp), as in NetKet's split of sampler and rule.
//
// Sweep: N attempted single-spin updates for Metropolis and heat bath; one
// full decomposition into clusters for Swendsen-Wang; for Wolff, a fixed number
// of clusters per temperature that flips N spins on average (see docs/).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "lattice/lattice.hpp"
#include "mc/global_proposal.hpp"
#include "mc/model.hpp"
#include "mc/replica.hpp"

namespace physml {

struct SweepContext {
  const Lattice& lattice;
  const Model& model;
  const Key& key;
  int threads = 1;                // threads inside this one replica
  double clusters_per_sweep = 0;  // Wolff; 0: grow clusters until N spins flipped
  int64_t sweep_index = 0;        // of the first sweep asked for, in this phase
};

struct SweepReport {
  int64_t clusters = 0;
  int64_t cluster_sites = 0;
  int64_t proposals = 0;  // global moves proposed (independence updates) and accepted
  int64_t accepted = 0;
  SweepReport& operator+=(const SweepReport& o) {
    clusters += o.clusters;
    cluster_sites += o.cluster_sites;
    proposals += o.proposals;
    accepted += o.accepted;
    return *this;
  }
};

class UpdateRule {
 public:
  virtual ~UpdateRule() = default;
  virtual std::string name() const = 0;
  virtual SweepReport sweep(Replica& r, const SweepContext& ctx) const = 0;
  // n sweeps back to back; rules with per-sweep start-up costs override it.
  virtual SweepReport sweeps(Replica& r, const SweepContext& ctx, int64_t n) const {
    SweepReport total;
    for (int64_t i = 0; i < n; ++i) total += sweep(r, ctx);
    return total;
  }
  // Whether a sweep's length adapts to the configuration until the run fixes it
  // from thermalization statistics (Wolff: clusters per sweep).
  virtual bool adaptive_sweep() const { return false; }
  // Whether one replica's sweep can use several threads.
  virtual bool parallel_inside() const { return false; }
  // Whether the square-lattice fast kernel serves this rule for this model.
  virtual bool wants_fast_kernel(const Lattice&, const Model&) const { return false; }
};

// What some rules need beyond the model and lattice: the proposal of an independence update
// (capability needs_proposal) and the rule it alternates with (empty: none).
struct RuleInputs {
  std::shared_ptr<const GlobalProposal> proposal;
  std::string companion;
};

// A registered rule (mc/update_rule.cpp) for a model; throws std::invalid_argument when the
// rule cannot treat it.
using UpdateRuleFactory =
    std::function<std::unique_ptr<UpdateRule>(const Model&, const Lattice&, const RuleInputs&)>;
using UpdateRuleRegistry = registry::Registry<UpdateRuleFactory>;
std::unique_ptr<UpdateRule> make_update_rule(const std::string& name, const Model& model,
                                             const Lattice& lattice, const RuleInputs& inputs = {});
// Why the registered rule `name` would not be ergodic for this model on this lattice, or ""
// (only rules with the capability deterministic_at_zero_cost can fail; mc/update_rule.cpp).
// Callers that want a correct sample refuse such a case (workflows/simulate.py).
std::string ergodicity_problem(const std::string& name, const Model& model, const Lattice& lattice);

}  // namespace physml
