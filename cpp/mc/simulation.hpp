#pragma once
// The sampler: one replica per temperature, swept by an update rule, optionally
// exchanging configurations between neighbouring temperatures (parallel
// tempering). OpenMP runs replicas side by side, or the threads inside one large
// replica; every random draw is addressed by replica and sweep, so the result is
// the same for any thread count and any split of the run into calls.
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "lattice/lattice.hpp"
#include "mc/global_proposal.hpp"
#include "mc/model.hpp"
#include "mc/replica.hpp"
#include "mc/update_rule.hpp"

namespace physml {

struct SimulationSpec {
  std::string model = "ising";
  double J = 1.0, h = 0.0;
  int q = 2;
  std::string lattice = "square";
  int L = 8;
  std::string algorithm = "metropolis";
  std::vector<double> temperatures;
  uint64_t seed = 0;
  bool parallel_tempering = false;
  int threads = 1;
  std::string init = "random";  // random | ordered
  bool track_minimum = false;
  bool fast_kernel = true;
  // Random-stream index of each temperature (default 0, 1, ...): a shard of a temperature
  // grid keeps the indices the temperatures have in the whole grid, so shards together
  // reproduce the unsharded run exactly.
  std::vector<uint32_t> replica_ids;
  // --algorithm neural: the proposal, and the rule each proposal alternates with ("": none).
  std::shared_ptr<const GlobalProposal> proposal;
  std::string companion;
};

// Measurements of one call, per temperature slot, in slot order.
struct MeasureBlock {
  int n_temps = 0, n_meas = 0, n_snap = 0, n_sites = 0;
  std::vector<double> e, m;     // [n_temps][n_meas], per site
  std::vector<double> ms;       // staggered magnetization, Ising on bipartite lattices only
  std::vector<int8_t> configs;  // [n_temps][n_snap][n_sites]
};

// Everything needed to continue a run bit for bit.
struct SimulationState {
  std::vector<int8_t> spins;
  std::vector<uint32_t> lanes;
  std::vector<uint64_t> sweeps, serial;
  std::vector<int32_t> replica_of_slot;
  std::vector<uint64_t> exchange_stream;
  std::vector<int64_t> exchange_attempts, exchange_accepts;
  std::vector<int64_t> cluster_sweeps;
  std::vector<double> clusters_per_sweep, cluster_count_avg, cluster_sites_avg;
  std::vector<int64_t> counters;
  std::vector<int64_t> proposal_attempts, proposal_accepts;  // per slot, measurement phase
  std::vector<double> betas;
  double best_energy = std::numeric_limits<double>::infinity();
  std::vector<int8_t> best_config;
};

// visit(name, field) for every field of a state (const or not), in checkpoint order, under
// its checkpoint name: what stores a state to a file or reads it back walks this list.
template <class State, class Visit>
void for_each_field(State& s, Visit&& visit) {
  visit("spins", s.spins);
  visit("lanes", s.lanes);
  visit("sweeps", s.sweeps);
  visit("serial", s.serial);
  visit("replica_of_slot", s.replica_of_slot);
  visit("exchange_stream", s.exchange_stream);
  visit("exchange_attempts", s.exchange_attempts);
  visit("exchange_accepts", s.exchange_accepts);
  visit("clusters_per_sweep", s.clusters_per_sweep);
  visit("cluster_sweeps", s.cluster_sweeps);
  visit("cluster_count_avg", s.cluster_count_avg);
  visit("cluster_sites_avg", s.cluster_sites_avg);
  visit("counters", s.counters);
  visit("proposal_attempts", s.proposal_attempts);
  visit("proposal_accepts", s.proposal_accepts);
  visit("betas", s.betas);
  visit("best_energy", s.best_energy);
  visit("best_config", s.best_config);
}

class Simulation {
 public:
  explicit Simulation(const SimulationSpec& spec);

  void thermalize(int64_t n_sweeps);
  MeasureBlock measure(int64_t n_sweeps, int measure_every, int64_t snapshot_every);
  void set_temperatures(const std::vector<double>& temperatures);

  // Parallel tempering spread over processes: this one sweeps and measures the replicas
  // r with r % ranks == rank only. Every process keeps the whole slot bookkeeping, because
  // each exchange is decided from all replicas' energies, which energy_sum adds up across
  // processes (each gives its own replicas', zeros elsewhere): all make the same decisions
  // with the same random numbers, and together they make the one-process run. Measurements
  // of replicas held elsewhere are left zero, for the caller to add up the same way.
  using EnergySum = std::function<std::vector<double>(const std::vector<double>&)>;
  void spread_replicas(int rank, int ranks, EnergySum energy_sum);

  SimulationState state();
  void restore(const SimulationState& s);

  const Lattice& lattice() const { return lattice_; }
  const Model& model() const { return model_; }
  int n_temps() const { return int(betas_.size()); }
  bool uses_fast_kernel() const { return !replicas_.empty() && replicas_[0].fast != nullptr; }
  bool parallel_inside() const { return inner_; }
  // Staggered magnetization sum_i (-1)^colour(i) s_i / N: the order parameter of the
  // antiferromagnet, measured for the Ising model on two-colourable lattices.
  bool measures_staggered() const { return has_staggered_order(model_) && lattice_.bipartite(); }
  std::vector<double> exchange_acceptance() const;
  // Fraction of the global proposals accepted per temperature while measuring (NaN where
  // the rule proposes none).
  std::vector<double> proposal_acceptance() const;
  const std::vector<double>& clusters_per_sweep() const { return clusters_per_sweep_; }
  std::vector<double> mean_cluster_size() const;
  double best_energy() const { return best_energy_; }
  const std::vector<int8_t>& best_config() const { return best_config_; }
  std::vector<int8_t> configuration(int slot);

 private:
  void sweep_replica(int replica, bool measuring, int64_t n = 1, int64_t sweep_index = 0);
  void exchange(int64_t round);
  bool owns(int replica) const { return replica % ranks_ == rank_; }
  void record(int slot, MeasureBlock& out, int meas_index, bool snapshot, int snap_index);
  double replica_energy(int replica);
  void track_minimum(int replica);
  void freeze_cluster_counts();

  SimulationSpec spec_;
  Lattice lattice_;
  Model model_;
  Key key_;
  std::unique_ptr<UpdateRule> rule_;
  std::vector<Replica> replicas_;
  std::vector<double> betas_;            // per slot
  std::vector<int32_t> replica_of_slot_, slot_of_replica_;
  std::vector<int32_t> pt_order_;        // slots from hottest to coldest
  PhiloxStream exchange_stream_;
  std::vector<int64_t> exchange_attempts_, exchange_accepts_;
  std::vector<int64_t> proposal_attempts_, proposal_accepts_;
  std::vector<double> clusters_per_sweep_;
  // Thermalization averages of clusters and flipped sites per sweep (Wolff). An
  // exponential window of ~kClusterWindow sweeps forgets the start from disorder.
  std::vector<int64_t> cluster_sweeps_;
  std::vector<double> cluster_count_avg_, cluster_sites_avg_;
  int64_t therm_sweeps_ = 0, meas_sweeps_ = 0, measurements_ = 0;
  bool frozen_ = false;
  bool inner_ = false;
  int rank_ = 0, ranks_ = 1;
  EnergySum energy_sum_;
  double best_energy_ = std::numeric_limits<double>::infinity();
  std::vector<int8_t> best_config_;
};

}  // namespace physml
