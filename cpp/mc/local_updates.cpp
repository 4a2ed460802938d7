// Single-spin updates (Metropolis, heat bath). Sites of one colour are updated
// together; each update reads its draws from (site, sweep), so the outcome does
// not depend on the number of threads.
#include "mc/local_updates.hpp"

#include <cmath>

#include "mc/spin_models.hpp"

namespace physml {

namespace {

// Draws: u[0] picks the proposed state, (u[1], u[2]) the acceptance.
template <class Spin>
void metropolis_site(const Spin& spin, const Lattice& lat, Replica& r, int site, const Counter& u) {
  int8_t* s = r.spins.data();
  const int8_t old = s[site];
  const int8_t proposed = spin.propose(old, u[0]);
  const double dE = spin.delta_energy(s, lat.neighbors_of(site), lat.coordination(), old, proposed);
  if (dE <= 0.0 || to_unit(u[1], u[2]) < std::exp(-r.beta * dE)) s[site] = proposed;
}

// Draws: (u[1], u[2]) choose the new state; u[0] is left unused (Metropolis proposes with it).
template <class HeatBath>
void heat_bath_site(const HeatBath& choose, const Lattice& lat, Replica& r, int site,
                    const Counter& u) {
  int8_t* s = r.spins.data();
  s[site] = choose(s, lat.neighbors_of(site), to_unit(u[1], u[2]));
}

template <LocalRule Rule, class Spin, class HeatBath>
void colored_sweep(const Spin& spin, const HeatBath& heat_bath, Replica& r,
                   const SweepContext& ctx) {
  const Lattice& lat = ctx.lattice;
  const uint32_t stream = stream_id(r.id, Purpose::SiteUpdate);
  const auto& classes = lat.color_classes();
#pragma omp parallel num_threads(ctx.threads) if (ctx.threads > 1)
  for (const auto& sites : classes) {
    const int n = int(sites.size());
#pragma omp for schedule(static)
    for (int idx = 0; idx < n; ++idx) {
      const int site = sites[idx];
      const Counter u = draw(ctx.key, uint32_t(site), stream, r.sweeps);
      if constexpr (Rule == LocalRule::Metropolis)
        metropolis_site(spin, lat, r, site, u);
      else
        heat_bath_site(heat_bath, lat, r, site, u);
    }
  }
}

template <LocalRule Rule, class Spin>
void colored_sweeps(const Spin& spin, Replica& r, const SweepContext& ctx, int64_t n) {
  const auto heat_bath = spin.heat_bath_at(r.beta, ctx.lattice.coordination());  // beta is fixed here
  for (int64_t i = 0; i < n; ++i) {
    colored_sweep<Rule>(spin, heat_bath, r, ctx);
    ++r.sweeps;
  }
}

// The checkerboard kernel is written for the zero-field Ising model alone.
bool fast_kernel_applies(const Lattice& lat, const Model& m) {
  return lat.dimension() == 2 && lat.hypercubic() && lat.periodic() && lat.linear_size() % 2 == 0 &&
         m.kind == ModelKind::Ising && m.h == 0.0;
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
  with_spin_model(ctx.model, [&](auto spin) {
    if (rule_ == LocalRule::Metropolis)
      colored_sweeps<LocalRule::Metropolis>(spin, r, ctx, n);
    else
      colored_sweeps<LocalRule::HeatBath>(spin, r, ctx, n);
  });
  return {};
}

}  // namespace physml
