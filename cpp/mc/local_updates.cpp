// Single-spin updates (Metropolis, heat bath). Sites of one colour are updated
// together; each update reads its draws from (site, sweep), so the outcome does
// not depend on the number of threads.
#include <algorithm>
#include <cmath>

#include "mc/local_updates.hpp"

namespace physml {

namespace {

inline int ising_local_field(const Lattice& lat, const int8_t* s, int site) {
  const int32_t* nb = lat.neighbors_of(site);
  int f = 0;
  for (int k = 0; k < lat.coordination(); ++k) f += s[nb[k]];
  return f;
}

inline int potts_count(const Lattice& lat, const int8_t* s, int site, int state) {
  const int32_t* nb = lat.neighbors_of(site);
  int c = 0;
  for (int k = 0; k < lat.coordination(); ++k) c += s[nb[k]] == state;
  return c;
}

void metropolis_site(const SweepContext& ctx, Replica& r, int site, const Counter& u) {
  const Model& m = ctx.model;
  int8_t* s = r.spins.data();
  const int8_t old = s[site];
  int8_t proposed;
  double dE;
  if (m.is_ising()) {
    proposed = int8_t(-old);
    dE = 2.0 * old * (m.J * ising_local_field(ctx.lattice, s, site) + m.h);
  } else {
    // uniform among the q - 1 other states
    const uint32_t shift = 1 + uint32_t((uint64_t(u[0]) * uint32_t(m.q - 1)) >> 32);
    proposed = int8_t((old + shift) % m.q);
    const int dn = potts_count(ctx.lattice, s, site, proposed) - potts_count(ctx.lattice, s, site, old);
    dE = -m.J * dn - m.h * (int(proposed == 0) - int(old == 0));
  }
  if (dE <= 0.0 || to_unit(u[1], u[2]) < std::exp(-r.beta * dE)) s[site] = proposed;
}

void heatbath_site(const SweepContext& ctx, Replica& r, int site, const Counter& u) {
  const Model& m = ctx.model;
  int8_t* s = r.spins.data();
  const double x = to_unit(u[1], u[2]);
  if (m.is_ising()) {
    const double field = m.J * ising_local_field(ctx.lattice, s, site) + m.h;
    const double p_up = 1.0 / (1.0 + std::exp(-2.0 * r.beta * field));
    s[site] = x < p_up ? 1 : -1;
    return;
  }
  double logw[128];
  double top = -1e300;
  for (int k = 0; k < m.q; ++k) {
    logw[k] = r.beta * (m.J * potts_count(ctx.lattice, s, site, k) + m.h * (k == 0));
    top = std::max(top, logw[k]);
  }
  double total = 0.0;
  for (int k = 0; k < m.q; ++k) total += (logw[k] = std::exp(logw[k] - top));
  double target = x * total;
  int k = 0;
  while (k < m.q - 1 && target >= logw[k]) target -= logw[k++];
  s[site] = int8_t(k);
}

template <void (*SiteUpdate)(const SweepContext&, Replica&, int, const Counter&)>
void colored_sweep(Replica& r, const SweepContext& ctx) {
  const uint32_t stream = stream_id(r.id, Purpose::SiteUpdate);
  const auto& classes = ctx.lattice.color_classes();
#pragma omp parallel num_threads(ctx.threads) if (ctx.threads > 1)
  for (const auto& sites : classes) {
    const int n = int(sites.size());
#pragma omp for schedule(static)
    for (int idx = 0; idx < n; ++idx) {
      const int site = sites[idx];
      SiteUpdate(ctx, r, site, draw(ctx.key, uint32_t(site), stream, r.sweeps));
    }
  }
}

bool fast_kernel_applies(const Lattice& lat, const Model& m) {
  return lat.dimension() == 2 && lat.hypercubic() && lat.periodic() && lat.linear_size() % 2 == 0 && m.is_ising() &&
         m.h == 0.0;
}

}  // namespace

bool LocalUpdate::wants_fast_kernel(const Lattice& lat, const Model& m) const {
  return fast_kernel_applies(lat, m);
}

SweepReport LocalUpdate::sweeps(Replica& r, const SweepContext& ctx, int64_t n) const {
  if (r.fast) {
    r.fast->sweeps(flip_thresholds(rule_, r.beta, ctx.model.J), n, ctx.threads);
    r.sweeps += n;
    return {};
  }
  for (int64_t i = 0; i < n; ++i) {
    if (rule_ == LocalRule::Metropolis)
      colored_sweep<metropolis_site>(r, ctx);
    else
      colored_sweep<heatbath_site>(r, ctx);
    ++r.sweeps;
  }
  return {};
}

}  // namespace physml
