#include "mc/cluster_updates.hpp"

#include <cmath>
#include <numeric>

namespace physml {

namespace {

// Probability of adding a satisfied bond to a cluster.
double bond_probability(const Model& m, double beta) {
  return m.is_ising() ? 1.0 - std::exp(-2.0 * beta * std::abs(m.J)) : 1.0 - std::exp(-beta * m.J);
}

inline bool satisfied(const Model& m, int8_t a, int8_t b) {
  return m.is_ising() ? (m.J > 0 ? a == b : a != b) : a == b;
}

int32_t find_root(std::vector<int32_t>& parent, int32_t i) {
  while (parent[i] != i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

}  // namespace

int64_t WolffUpdate::grow_cluster(Replica& r, const SweepContext& ctx,
                                  std::vector<int32_t>& stack) const {
  const Model& m = ctx.model;
  const Lattice& lat = ctx.lattice;
  int8_t* s = r.spins.data();
  const double p = bond_probability(m, r.beta);
  if (r.cluster_mark.size() != size_t(lat.n_sites())) r.cluster_mark.assign(lat.n_sites(), 0);
  if (++r.cluster_generation == 0) {  // wrapped: old marks could alias
    std::fill(r.cluster_mark.begin(), r.cluster_mark.end(), 0);
    r.cluster_generation = 1;
  }
  const uint32_t gen = r.cluster_generation;
  const int seed = int(r.serial.below(uint32_t(lat.n_sites())));
  const int8_t old = s[seed];
  const int8_t fresh =
      m.is_ising() ? int8_t(-old) : int8_t((old + 1 + r.serial.below(uint32_t(m.q - 1))) % m.q);
  stack.clear();
  stack.push_back(seed);
  r.cluster_mark[seed] = gen;
  s[seed] = fresh;
  int64_t size = 1;
  while (!stack.empty()) {
    const int i = stack.back();
    stack.pop_back();
    // Members change as they join; the bond test needs the value before that.
    const int8_t before = m.is_ising() ? int8_t(-s[i]) : old;
    const int32_t* nb = lat.neighbors_of(i);
    for (int k = 0; k < lat.coordination(); ++k) {
      const int j = nb[k];
      if (r.cluster_mark[j] == gen || !satisfied(m, before, s[j])) continue;
      if (r.serial.uniform() < p) {
        r.cluster_mark[j] = gen;
        s[j] = m.is_ising() ? int8_t(-s[j]) : fresh;
        stack.push_back(j);
        ++size;
      }
    }
  }
  return size;
}

SweepReport WolffUpdate::sweep(Replica& r, const SweepContext& ctx) const {
  std::vector<int32_t> stack;
  stack.reserve(ctx.lattice.n_sites());
  SweepReport rep;
  const int64_t n = ctx.lattice.n_sites();
  if (ctx.clusters_per_sweep > 0) {
    for (int64_t c = 0; c < ctx.clusters_per_sweep; ++c) {
      rep.cluster_sites += grow_cluster(r, ctx, stack);
      ++rep.clusters;
    }
  } else {
    while (rep.cluster_sites < n) {
      rep.cluster_sites += grow_cluster(r, ctx, stack);
      ++rep.clusters;
    }
  }
  ++r.sweeps;
  return rep;
}

SweepReport SwendsenWangUpdate::sweep(Replica& r, const SweepContext& ctx) const {
  const Model& m = ctx.model;
  const Lattice& lat = ctx.lattice;
  int8_t* s = r.spins.data();
  const int n = lat.n_sites();
  const double p = bond_probability(m, r.beta);
  std::vector<int32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  const uint32_t bond_stream = stream_id(r.id, Purpose::BondActivation);
  const auto& bonds = lat.bonds();
  for (size_t b = 0; b < bonds.size(); ++b) {
    const auto [i, j] = bonds[b];
    if (!satisfied(m, s[i], s[j])) continue;
    const Counter u = draw(ctx.key, uint32_t(b), bond_stream, r.sweeps);
    if (to_unit(u[0], u[1]) < p) {
      const int32_t a = find_root(parent, i), c = find_root(parent, j);
      if (a != c) parent[a < c ? c : a] = a < c ? a : c;
    }
  }
  const uint32_t flip_stream = stream_id(r.id, Purpose::ClusterFlip);
  std::vector<int8_t> root_value(n, -128);
  SweepReport rep;
  for (int i = 0; i < n; ++i) {
    const int32_t root = find_root(parent, i);
    if (root == i) {
      ++rep.clusters;
      const Counter u = draw(ctx.key, uint32_t(i), flip_stream, r.sweeps);
      // Ising: flip with probability 1/2; Potts: any of the q states.
      root_value[i] = m.is_ising() ? int8_t((u[0] & 1u) ? -s[i] : s[i])
                                   : int8_t((uint64_t(u[0]) * uint32_t(m.q)) >> 32);
    }
  }
  // For antiferromagnetic Ising, a cluster is a pattern, so flip it; setting all
  // members to one value would be wrong. Uniformly: flip iff the root flipped.
  for (int i = 0; i < n; ++i) {
    const int32_t root = find_root(parent, i);
    if (m.is_ising()) {
      if (root_value[root] != s[root] && i != root) s[i] = int8_t(-s[i]);
    } else {
      s[i] = root_value[root];
    }
  }
  for (int i = 0; i < n; ++i)
    if (m.is_ising() && find_root(parent, i) == i) s[i] = root_value[i];
  rep.cluster_sites = n;
  ++r.sweeps;
  return rep;
}

}  // namespace physml
