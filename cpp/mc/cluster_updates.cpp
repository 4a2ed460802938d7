#include "mc/cluster_updates.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "mc/spin_models.hpp"

namespace physml {

namespace {

int32_t find_root(std::vector<int32_t>& parent, int32_t i) {
  while (parent[i] != i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

// Grows one ferromagnetic cluster from `seed` (already changed to `fresh`): a bond is
// satisfied when the neighbour still has the cluster's old value, and members already
// carry the new one, so need no mark.
// Written without branches on the coin flips: at T_c they are unpredictable and
// mispredictions would cost more than the always-drawn random word. Each 64-bit
// word serves two bonds (32 bits each; P(add) is exact to 2^-32).
template <int Z>
int64_t grow_ferro(int8_t* __restrict s, const int32_t* __restrict neighbors,
                   int32_t* __restrict st, int seed, int8_t old, int8_t fresh, uint32_t add,
                   Xoshiro256& rng_out) {
  Xoshiro256 rng = rng_out;  // in registers: int8 stores below may alias anything
  size_t top = 0;
  st[top++] = seed;  // a site joins at most once, so N slots suffice
  int64_t size = 0;  // every member is popped exactly once
  while (top > 0) {
    ++size;
    const int32_t* nb = neighbors + size_t(st[--top]) * Z;
    int32_t site[Z];
    for (int k = 0; k < Z; ++k) site[k] = nb[k];
    uint64_t word = 0;
    for (int k = 0; k < Z; ++k) {
      if ((k & 1) == 0) word = rng.next();
      const uint32_t coin = (k & 1) ? uint32_t(word >> 32) : uint32_t(word);
      const int j = site[k];
      const bool join = (s[j] == old) & (coin < add);
      s[j] = join ? fresh : s[j];
      st[top] = j;
      top += join;
    }
  }
  rng_out = rng;
  return size;
}

// Antiferromagnetic clusters: members alternate in value, so "changed already" is not
// visible in the spin; membership is marked explicitly. Members are flipped as they join.
template <class Spin>
int64_t grow_alternating(const Spin& spin, Replica& r, const Lattice& lat, int seed, double p_add,
                         std::vector<int32_t>& stack, Xoshiro256& rng) {
  const uint64_t add = probability_threshold(p_add);
  const int z = lat.coordination();
  const int32_t* neighbors = lat.neighbors().data();
  int8_t* s = r.spins.data();
  stack.clear();
  stack.push_back(seed);
  if (r.cluster_mark.size() != size_t(lat.n_sites())) r.cluster_mark.assign(lat.n_sites(), 0);
  if (++r.cluster_generation == 0) {  // wrapped: old marks could alias
    std::fill(r.cluster_mark.begin(), r.cluster_mark.end(), 0);
    r.cluster_generation = 1;
  }
  const uint32_t gen = r.cluster_generation;
  r.cluster_mark[seed] = gen;
  int64_t size = 1;
  while (!stack.empty()) {
    const int i = stack.back();
    stack.pop_back();
    const int8_t before = spin.flipped(s[i]);
    const int32_t* nb = neighbors + size_t(i) * z;
    for (int k = 0; k < z; ++k) {
      const int j = nb[k];
      // s[j] == before: the bond is unsatisfied
      if (s[j] == before || r.cluster_mark[j] == gen || rng.next() >= add) continue;
      r.cluster_mark[j] = gen;
      s[j] = spin.flipped(s[j]);
      stack.push_back(j);
      ++size;
    }
  }
  return size;
}

template <class Spin>
int64_t grow_cluster(const Spin& spin, Replica& r, const Lattice& lat, std::vector<int32_t>& stack) {
  int8_t* s = r.spins.data();
  const double p_add = spin.bond_probability(r.beta);
  // Local copies: int8 stores may alias anything, and would otherwise force the
  // generator state and the table pointer through memory on every step.
  Xoshiro256 rng = r.serial;
  const int seed = int(rng.below(uint32_t(lat.n_sites())));
  const int8_t old = s[seed];
  const int8_t fresh = spin.other_state(old, rng);
  s[seed] = fresh;
  int64_t size = 1;
  if constexpr (Spin::antiferromagnetic_clusters) {
    if (spin.clusters_alternate()) {
      size = grow_alternating(spin, r, lat, seed, p_add, stack, rng);
      r.serial = rng;
      return size;
    }
  }
  const uint32_t add32 = uint32_t(std::min<double>(std::ldexp(p_add, 32), 4294967295.0));
  const int32_t* neighbors = lat.neighbors().data();
  if (stack.size() < size_t(lat.n_sites())) stack.resize(lat.n_sites());
  switch (lat.coordination()) {  // a compile-time coordination lets the neighbour loop unroll
    case 2: size = grow_ferro<2>(s, neighbors, stack.data(), seed, old, fresh, add32, rng); break;
    case 3: size = grow_ferro<3>(s, neighbors, stack.data(), seed, old, fresh, add32, rng); break;
    case 4: size = grow_ferro<4>(s, neighbors, stack.data(), seed, old, fresh, add32, rng); break;
    case 6: size = grow_ferro<6>(s, neighbors, stack.data(), seed, old, fresh, add32, rng); break;
    default: throw std::logic_error("Wolff: unsupported coordination number");
  }
  r.serial = rng;
  return size;
}

template <class Spin>
SweepReport wolff_sweeps(const Spin& spin, Replica& r, const SweepContext& ctx, int64_t n) {
  std::vector<int32_t> stack;
  SweepReport rep;
  const int64_t N = ctx.lattice.n_sites();
  const double c = ctx.clusters_per_sweep;
  for (int64_t k = 0; k < n; ++k) {
    if (c > 0) {
      // Sweep i grows floor((i+1) c) - floor(i c) clusters: c on average, and a
      // count fixed in advance, never chosen by looking at the configuration.
      const int64_t i = ctx.sweep_index + k;
      const int64_t todo = int64_t(std::floor(double(i + 1) * c)) - int64_t(std::floor(double(i) * c));
      for (int64_t cl = 0; cl < todo; ++cl) {
        rep.cluster_sites += grow_cluster(spin, r, ctx.lattice, stack);
        ++rep.clusters;
      }
    } else {
      int64_t flipped = 0;
      while (flipped < N) {
        const int64_t size = grow_cluster(spin, r, ctx.lattice, stack);
        flipped += size;
        rep.cluster_sites += size;
        ++rep.clusters;
      }
    }
    ++r.sweeps;
  }
  return rep;
}

template <class Spin>
SweepReport swendsen_wang_sweep(const Spin& spin, Replica& r, const SweepContext& ctx) {
  const Lattice& lat = ctx.lattice;
  int8_t* s = r.spins.data();
  const int n = lat.n_sites();
  const double p = spin.bond_probability(r.beta);
  std::vector<int32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  const uint32_t bond_stream = stream_id(r.id, Purpose::BondActivation);
  const auto& bonds = lat.bonds();
  for (size_t b = 0; b < bonds.size(); ++b) {
    const auto [i, j] = bonds[b];
    if (!spin.satisfied(s[i], s[j])) continue;
    const Counter u = draw(ctx.key, uint32_t(b), bond_stream, r.sweeps);
    if (to_unit(u[0], u[1]) < p) {
      const int32_t a = find_root(parent, i), c = find_root(parent, j);
      if (a != c) parent[a < c ? c : a] = a < c ? a : c;
    }
  }
  // One move per cluster, drawn at its root; applying it member by member treats
  // patterned (antiferromagnetic) clusters right, where setting one value would not.
  const uint32_t flip_stream = stream_id(r.id, Purpose::ClusterFlip);
  std::vector<int8_t> move(n);
  SweepReport rep;
  for (int i = 0; i < n; ++i) {
    if (find_root(parent, i) == i) {
      ++rep.clusters;
      move[i] = spin.cluster_move(draw(ctx.key, uint32_t(i), flip_stream, r.sweeps)[0]);
    }
  }
  for (int i = 0; i < n; ++i) s[i] = spin.moved(s[i], move[find_root(parent, i)]);
  rep.cluster_sites = n;
  ++r.sweeps;
  return rep;
}

}  // namespace

SweepReport WolffUpdate::sweeps(Replica& r, const SweepContext& ctx, int64_t n) const {
  return with_spin_model(ctx.model, [&](auto spin) { return wolff_sweeps(spin, r, ctx, n); });
}

SweepReport SwendsenWangUpdate::sweep(Replica& r, const SweepContext& ctx) const {
  return with_spin_model(ctx.model, [&](auto spin) { return swendsen_wang_sweep(spin, r, ctx); });
}

}  // namespace physml
