#include "mc/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "mc/checkerboard_square.hpp"
#include "mc/spin_models.hpp"

namespace physml {

namespace {

constexpr int64_t kInnerParallelSites = 16384;
constexpr double kClusterWindow = 100.0;

Key simulation_key(uint64_t seed, int L) {
  // Different sizes from one --seed must not share random numbers.
  return make_key(splitmix64(seed) ^ (uint64_t(L) * 0xD1B54A32D192ED03ull));
}

// Random states come from (site, replica), so they do not depend on the temperature grid.
template <class Spin>
void initial_spins(const Spin& spin, bool ordered, const Key& key, uint32_t replica,
                   std::vector<int8_t>& spins) {
  const uint32_t stream = stream_id(replica, Purpose::Initial);
  for (size_t i = 0; i < spins.size(); ++i)
    spins[i] = ordered ? spin.ordered() : spin.random(draw(key, uint32_t(i), stream, 0)[0]);
}

void check_temperatures(const std::vector<double>& ts) {
  if (ts.empty()) throw std::invalid_argument("no temperatures given");
  for (double t : ts)
    if (!(t > 0.0) || !std::isfinite(t))
      throw std::invalid_argument("temperatures must be finite and > 0");
}

}  // namespace

Simulation::Simulation(const SimulationSpec& spec)
    : spec_(spec),
      lattice_(spec.lattice, spec.L),
      model_(make_model(spec.model, spec.J, spec.h, spec.q)),
      key_(simulation_key(spec.seed, spec.L)) {
  check_temperatures(spec.temperatures);
  if (spec.threads < 1) throw std::invalid_argument("threads must be >= 1");
  if (spec.init != "random" && spec.init != "ordered")
    throw std::invalid_argument("unknown initial state '" + spec.init + "' (choose random, ordered)");
  rule_ = make_update_rule(spec.algorithm, model_, lattice_, RuleInputs{spec.proposal, spec.companion});
  const int T = int(spec.temperatures.size());
  const int N = lattice_.n_sites();
  betas_.resize(T);
  for (int t = 0; t < T; ++t) betas_[t] = 1.0 / spec.temperatures[t];
  replica_of_slot_.resize(T);
  slot_of_replica_.resize(T);
  std::iota(replica_of_slot_.begin(), replica_of_slot_.end(), 0);
  std::iota(slot_of_replica_.begin(), slot_of_replica_.end(), 0);
  pt_order_.resize(T);
  std::iota(pt_order_.begin(), pt_order_.end(), 0);
  std::stable_sort(pt_order_.begin(), pt_order_.end(),
                   [&](int a, int b) { return betas_[a] < betas_[b]; });
  exchange_stream_ = PhiloxStream(key_, stream_id(0xFFFFFFFu, Purpose::Exchange));
  exchange_attempts_.assign(std::max(T - 1, 0), 0);
  exchange_accepts_.assign(std::max(T - 1, 0), 0);
  proposal_attempts_.assign(T, 0);
  proposal_accepts_.assign(T, 0);
  clusters_per_sweep_.assign(T, 0.0);
  cluster_sweeps_.assign(T, 0);
  cluster_count_avg_.assign(T, 0.0);
  cluster_sites_avg_.assign(T, 0.0);

  const bool fast = spec.fast_kernel && rule_->wants_fast_kernel(lattice_, model_);
  if (!spec.replica_ids.empty() && int(spec.replica_ids.size()) != T)
    throw std::invalid_argument("one replica id per temperature is needed");
  replicas_.resize(T);
  for (int r = 0; r < T; ++r) {
    Replica& rep = replicas_[r];
    rep.id = spec.replica_ids.empty() ? uint32_t(r) : spec.replica_ids[size_t(r)];
    rep.beta = betas_[r];
    rep.serial = Xoshiro256(key_, stream_id(rep.id, Purpose::Cluster));
    rep.spins.resize(N);
    with_spin_model(model_, [&](auto spin) {
      initial_spins(spin, spec.init == "ordered", key_, rep.id, rep.spins);
    });
    if (fast) {
      rep.fast = std::make_unique<SquareCheckerboard>(spec.L, key_, rep.id);
      rep.fast->load(rep.spins.data());
    }
  }
  inner_ = rule_->parallel_inside() && spec.threads > 1 && N >= kInnerParallelSites &&
           T < 2 * spec.threads;
}

void Simulation::set_temperatures(const std::vector<double>& temperatures) {
  check_temperatures(temperatures);
  if (int(temperatures.size()) != n_temps())
    throw std::invalid_argument("set_temperatures: wrong number of temperatures");
  for (int t = 0; t < n_temps(); ++t) {
    betas_[t] = 1.0 / temperatures[t];
    replicas_[replica_of_slot_[t]].beta = betas_[t];
  }
  // A new stage of a schedule (annealing): measurement counting and the Wolff
  // cluster count start afresh at the new temperatures.
  meas_sweeps_ = 0;
  measurements_ = 0;
  frozen_ = false;
  std::fill(clusters_per_sweep_.begin(), clusters_per_sweep_.end(), 0.0);
  std::fill(proposal_attempts_.begin(), proposal_attempts_.end(), 0);
  std::fill(proposal_accepts_.begin(), proposal_accepts_.end(), 0);
  std::fill(cluster_sweeps_.begin(), cluster_sweeps_.end(), 0);
  std::fill(cluster_count_avg_.begin(), cluster_count_avg_.end(), 0.0);
  std::fill(cluster_sites_avg_.begin(), cluster_sites_avg_.end(), 0.0);
}

void Simulation::sweep_replica(int r, bool measuring, int64_t n, int64_t sweep_index) {
  const bool count_clusters = !measuring && rule_->adaptive_sweep();
  if ((spec_.track_minimum || count_clusters) && n > 1) {  // both need every single sweep
    for (int64_t i = 0; i < n; ++i) sweep_replica(r, measuring, 1, sweep_index + i);
    return;
  }
  Replica& rep = replicas_[r];
  const int slot = slot_of_replica_[r];
  SweepContext ctx{lattice_, model_, key_, inner_ ? spec_.threads : 1,
                   measuring ? clusters_per_sweep_[slot] : 0.0, sweep_index};
  const SweepReport rep_stats = rule_->sweeps(rep, ctx, n);
  if (measuring) {
    proposal_attempts_[slot] += rep_stats.proposals;
    proposal_accepts_[slot] += rep_stats.accepted;
  }
  if (count_clusters) {
    // running mean for the first kClusterWindow sweeps, exponential window after
    const double w = 1.0 / std::min(double(++cluster_sweeps_[slot]), kClusterWindow);
    cluster_count_avg_[slot] += w * (double(rep_stats.clusters) - cluster_count_avg_[slot]);
    cluster_sites_avg_[slot] += w * (double(rep_stats.cluster_sites) - cluster_sites_avg_[slot]);
  }
  if (spec_.track_minimum) track_minimum(r);
}

double Simulation::replica_energy(int r) {
  Replica& rep = replicas_[r];
  if (rep.fast) return energy_from_parts(model_, rep.fast->parts());
  return energy(lattice_, model_, rep.spins.data());
}

void Simulation::track_minimum(int r) {
  const double e = replica_energy(r);
  if (e < best_energy_) {
#pragma omp critical(physml_best)
    if (e < best_energy_) {
      best_energy_ = e;
      best_config_ = replicas_[r].configuration();
    }
  }
}

void Simulation::spread_replicas(int rank, int ranks, EnergySum energy_sum) {
  if (ranks < 1 || rank < 0 || rank >= ranks) throw std::invalid_argument("spread_replicas: bad rank");
  if (ranks > 1) {
    if (!spec_.parallel_tempering) throw std::invalid_argument("only parallel tempering spreads replicas");
    if (rule_->adaptive_sweep() || spec_.track_minimum)
      throw std::invalid_argument("parallel tempering across processes cannot take " + spec_.algorithm +
                                  " (its sweep length is learnt per temperature)");
    if (!energy_sum) throw std::invalid_argument("spread_replicas needs energy_sum");
  }
  rank_ = rank;
  ranks_ = ranks;
  energy_sum_ = std::move(energy_sum);
}

void Simulation::exchange(int64_t round) {
  const int T = n_temps();
  if (T < 2) return;
  std::vector<double> E(T, 0.0);
  for (int r = 0; r < T; ++r)
    if (owns(r)) E[r] = replica_energy(r);
  if (ranks_ > 1) {
    E = energy_sum_(E);
    if (int(E.size()) != T) throw std::runtime_error("energy_sum returned the wrong number of energies");
  }
  // Alternate even and odd pairs so every pair is tried every other sweep.
  const int parity = int(round & 1);
  for (int k = parity; k + 1 < T; k += 2) {
    const int a = pt_order_[k], b = pt_order_[k + 1];
    const int ra = replica_of_slot_[a], rb = replica_of_slot_[b];
    const double delta = (betas_[a] - betas_[b]) * (E[ra] - E[rb]);
    ++exchange_attempts_[k];
    if (delta >= 0.0 || exchange_stream_.uniform() < std::exp(delta)) {
      ++exchange_accepts_[k];
      std::swap(replica_of_slot_[a], replica_of_slot_[b]);
      slot_of_replica_[ra] = b;
      slot_of_replica_[rb] = a;
      replicas_[ra].beta = betas_[b];
      replicas_[rb].beta = betas_[a];
    }
  }
}

void Simulation::thermalize(int64_t n) {
  if (n < 0) throw std::invalid_argument("negative number of sweeps");
  const int T = n_temps();
  if (!spec_.parallel_tempering) {
    if (inner_) {
      for (int r = 0; r < T; ++r) sweep_replica(r, false, n);
    } else {
#pragma omp parallel for schedule(dynamic, 1) num_threads(spec_.threads)
      for (int r = 0; r < T; ++r) sweep_replica(r, false, n);
    }
    therm_sweeps_ += n;
    return;
  }
  for (int64_t s = 0; s < n; ++s) {
    if (inner_) {
      for (int r = 0; r < T; ++r)
        if (owns(r)) sweep_replica(r, false);
    } else {
#pragma omp parallel for schedule(dynamic, 1) num_threads(spec_.threads)
      for (int r = 0; r < T; ++r)
        if (owns(r)) sweep_replica(r, false);
    }
    exchange(therm_sweeps_ + meas_sweeps_);
    ++therm_sweeps_;
  }
}

void Simulation::freeze_cluster_counts() {
  if (frozen_) return;
  frozen_ = true;
  const int64_t N = lattice_.n_sites();
  for (int t = 0; t < n_temps(); ++t)
    if (cluster_sweeps_[t] > 0)
      clusters_per_sweep_[t] = double(N) * cluster_count_avg_[t] / cluster_sites_avg_[t];
}

std::vector<double> Simulation::mean_cluster_size() const {
  std::vector<double> out(n_temps(), std::nan(""));
  for (int t = 0; t < n_temps(); ++t)
    if (cluster_sweeps_[t] > 0) out[t] = cluster_sites_avg_[t] / cluster_count_avg_[t];
  return out;
}

void Simulation::record(int slot, MeasureBlock& out, int mi, bool snapshot, int si) {
  const int r = replica_of_slot_[slot];
  Replica& rep = replicas_[r];
  const int N = lattice_.n_sites();
  double e, m, ms = 0.0;
  const bool staggered = measures_staggered();
  if (rep.fast) {
    const EnergyParts p = rep.fast->parts();
    e = energy_from_parts(model_, p) / N;
    m = double(p.field_sum) / N;
    if (staggered) ms = double(rep.fast->staggered_sum()) / N;
  } else {
    e = energy(lattice_, model_, rep.spins.data()) / N;
    m = magnetization(lattice_, model_, rep.spins.data());
    if (staggered) ms = staggered_magnetization(lattice_, model_, rep.spins.data());
  }
  out.e[size_t(slot) * out.n_meas + mi] = e;
  out.m[size_t(slot) * out.n_meas + mi] = m;
  if (staggered) out.ms[size_t(slot) * out.n_meas + mi] = ms;
  if (snapshot) {
    const auto& cfg = rep.configuration();
    std::copy(cfg.begin(), cfg.end(), out.configs.begin() + (size_t(slot) * out.n_snap + si) * N);
  }
}

MeasureBlock Simulation::measure(int64_t n, int measure_every, int64_t snapshot_every) {
  if (n < 0) throw std::invalid_argument("negative number of sweeps");
  if (measure_every < 1) throw std::invalid_argument("measure_every must be >= 1");
  freeze_cluster_counts();
  const int T = n_temps();
  const int N = lattice_.n_sites();
  const int64_t m0 = measurements_;
  const int64_t n_meas = (meas_sweeps_ + n) / measure_every - meas_sweeps_ / measure_every;
  auto is_snap = [&](int64_t mglobal) { return snapshot_every > 0 && mglobal % snapshot_every == 0; };
  int64_t n_snap = 0;
  for (int64_t k = 0; k < n_meas; ++k) n_snap += is_snap(m0 + k);
  MeasureBlock out;
  out.n_temps = T;
  out.n_meas = int(n_meas);
  out.n_snap = int(n_snap);
  out.n_sites = N;
  out.e.assign(size_t(T) * n_meas, 0.0);
  out.m.assign(size_t(T) * n_meas, 0.0);
  if (measures_staggered()) out.ms.assign(size_t(T) * n_meas, 0.0);
  out.configs.assign(size_t(T) * n_snap * N, 0);
  // Index of the measurement / snapshot that follows sweep number s (1-based in this call).
  auto meas_after = [&](int64_t s) -> int64_t {
    const int64_t g = meas_sweeps_ + s;
    return g % measure_every == 0 ? g / measure_every - meas_sweeps_ / measure_every - 1 : -1;
  };
  std::vector<int> snap_index(n_meas, -1);
  {
    int si = 0;
    for (int64_t k = 0; k < n_meas; ++k)
      if (is_snap(m0 + k)) snap_index[k] = si++;
  }
  if (!spec_.parallel_tempering) {
    auto run_one = [&](int r) {
      int64_t s = 0;
      while (s < n) {
        // sweep in one go up to the next measurement
        const int64_t to_meas = measure_every - (meas_sweeps_ + s) % measure_every;
        const int64_t batch = std::min(to_meas, n - s);
        sweep_replica(r, true, batch, meas_sweeps_ + s);
        s += batch;
        const int64_t k = meas_after(s);
        if (k >= 0) record(slot_of_replica_[r], out, int(k), snap_index[k] >= 0, snap_index[k]);
      }
    };
    if (inner_) {
      for (int r = 0; r < T; ++r) run_one(r);
    } else {
#pragma omp parallel for schedule(dynamic, 1) num_threads(spec_.threads)
      for (int r = 0; r < T; ++r) run_one(r);
    }
  } else {
    for (int64_t s = 1; s <= n; ++s) {
      if (inner_) {
        for (int r = 0; r < T; ++r)
          if (owns(r)) sweep_replica(r, true, 1, meas_sweeps_ + s - 1);
      } else {
#pragma omp parallel for schedule(dynamic, 1) num_threads(spec_.threads)
        for (int r = 0; r < T; ++r)
          if (owns(r)) sweep_replica(r, true, 1, meas_sweeps_ + s - 1);
      }
      exchange(therm_sweeps_ + meas_sweeps_ + s - 1);
      const int64_t k = meas_after(s);
      if (k >= 0) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(spec_.threads)
        for (int t = 0; t < T; ++t)
          if (owns(replica_of_slot_[t])) record(t, out, int(k), snap_index[k] >= 0, snap_index[k]);
      }
    }
  }
  meas_sweeps_ += n;
  measurements_ += n_meas;
  return out;
}

std::vector<double> Simulation::exchange_acceptance() const {
  std::vector<double> out(exchange_attempts_.size(), std::nan(""));
  for (size_t k = 0; k < out.size(); ++k)
    if (exchange_attempts_[k] > 0) out[k] = double(exchange_accepts_[k]) / exchange_attempts_[k];
  return out;
}

std::vector<double> Simulation::proposal_acceptance() const {
  std::vector<double> out(proposal_attempts_.size(), std::nan(""));
  for (size_t t = 0; t < out.size(); ++t)
    if (proposal_attempts_[t] > 0) out[t] = double(proposal_accepts_[t]) / proposal_attempts_[t];
  return out;
}

std::vector<int8_t> Simulation::configuration(int slot) {
  if (slot < 0 || slot >= n_temps()) throw std::out_of_range("no such temperature slot");
  return replicas_[replica_of_slot_[slot]].configuration();
}

SimulationState Simulation::state() {
  SimulationState s;
  const int T = n_temps();
  for (int r = 0; r < T; ++r) {
    Replica& rep = replicas_[r];
    const auto& cfg = rep.configuration();
    s.spins.insert(s.spins.end(), cfg.begin(), cfg.end());
    if (rep.fast) {
      const auto w = rep.fast->rng_state();
      s.lanes.insert(s.lanes.end(), w.begin(), w.end());
    }
    s.sweeps.push_back(rep.sweeps);
    s.serial.insert(s.serial.end(), rep.serial.state(), rep.serial.state() + 4);
  }
  s.replica_of_slot = replica_of_slot_;
  s.exchange_stream = {exchange_stream_.block(), uint64_t(exchange_stream_.pos())};
  s.exchange_attempts = exchange_attempts_;
  s.exchange_accepts = exchange_accepts_;
  s.clusters_per_sweep = clusters_per_sweep_;
  s.cluster_sweeps = cluster_sweeps_;
  s.cluster_count_avg = cluster_count_avg_;
  s.cluster_sites_avg = cluster_sites_avg_;
  s.counters = {therm_sweeps_, meas_sweeps_, measurements_, frozen_ ? 1 : 0};
  s.proposal_attempts = proposal_attempts_;
  s.proposal_accepts = proposal_accepts_;
  s.betas = betas_;
  s.best_energy = best_energy_;
  s.best_config = best_config_;
  return s;
}

void Simulation::restore(const SimulationState& s) {
  const int T = n_temps();
  const size_t N = size_t(lattice_.n_sites());
  auto need = [](bool ok) {
    if (!ok) throw std::invalid_argument("checkpoint state does not match this simulation");
  };
  need(s.spins.size() == T * N && s.sweeps.size() == size_t(T) && s.serial.size() == 4 * size_t(T));
  need(s.replica_of_slot.size() == size_t(T) && s.counters.size() == 4 && s.betas.size() == size_t(T));
  need(s.clusters_per_sweep.size() == size_t(T) && s.exchange_stream.size() == 2);
  const bool fast = uses_fast_kernel();
  const size_t lane_words = size_t(spec_.L) * 4 * kLanes;
  need(!fast || s.lanes.size() == T * lane_words);
  for (int r = 0; r < T; ++r) {
    Replica& rep = replicas_[r];
    std::copy(s.spins.begin() + r * N, s.spins.begin() + (r + 1) * N, rep.spins.begin());
    if (rep.fast) {
      rep.fast->load(rep.spins.data());
      rep.fast->set_rng_state(std::vector<uint32_t>(s.lanes.begin() + r * lane_words,
                                                    s.lanes.begin() + (r + 1) * lane_words));
    }
    rep.sweeps = s.sweeps[r];
    rep.serial.restore(s.serial.data() + 4 * r);
  }
  replica_of_slot_ = s.replica_of_slot;
  for (int t = 0; t < T; ++t) slot_of_replica_[replica_of_slot_[t]] = t;
  betas_ = s.betas;
  for (int t = 0; t < T; ++t) replicas_[replica_of_slot_[t]].beta = betas_[t];
  exchange_stream_.restore(s.exchange_stream[0], int(s.exchange_stream[1]));
  exchange_attempts_ = s.exchange_attempts;
  exchange_accepts_ = s.exchange_accepts;
  // checkpoints written before the counters existed have none: no proposals were made
  need((s.proposal_attempts.empty() && s.proposal_accepts.empty()) ||
       (s.proposal_attempts.size() == size_t(T) && s.proposal_accepts.size() == size_t(T)));
  if (!s.proposal_attempts.empty()) {
    proposal_attempts_ = s.proposal_attempts;
    proposal_accepts_ = s.proposal_accepts;
  }
  clusters_per_sweep_ = s.clusters_per_sweep;
  need(s.cluster_sweeps.size() == size_t(T) && s.cluster_count_avg.size() == size_t(T) &&
       s.cluster_sites_avg.size() == size_t(T));
  cluster_sweeps_ = s.cluster_sweeps;
  cluster_count_avg_ = s.cluster_count_avg;
  cluster_sites_avg_ = s.cluster_sites_avg;
  therm_sweeps_ = s.counters[0];
  meas_sweeps_ = s.counters[1];
  measurements_ = s.counters[2];
  frozen_ = s.counters[3] != 0;
  best_energy_ = s.best_energy;
  best_config_ = s.best_config;
}

}  // namespace physml
