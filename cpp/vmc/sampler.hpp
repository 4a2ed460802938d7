#pragma once
// Metropolis-Hastings sampling of |psi(s)|^2 (the sampler), with the update rule separate:
// local single-spin flips, or exchanges of two antiparallel spins on a bond, which keep the
// magnetization. Each chain draws from its own xoshiro256** stream addressed by
// (seed, pass, chain), so a chain's samples never depend on the thread that runs it.
#include <cstdint>
#include <utility>
#include <vector>

#include "rng/xoshiro256.hpp"
#include "vmc/ansatz.hpp"

namespace physml::vmc {

enum class UpdateRule { LocalFlip, Exchange };

struct MetropolisRule {
  UpdateRule rule = UpdateRule::LocalFlip;
  std::vector<std::pair<int, int>> bonds;  // exchange partners
  int sweep_size = 0;                      // proposals between recorded samples
};

struct MoveCounts {
  long proposed = 0, accepted = 0;
};

inline double uniform01(Xoshiro256& rng) { return double(rng.next() >> 11) * (1.0 / 9007199254740992.0); }

// sweep_size proposals of `rule` on one chain. An exchange of two parallel spins would change
// nothing and is not counted as a proposal.
template <class T>
void metropolis_sweep(Walker<T>& w, const MetropolisRule& rule, Xoshiro256& rng, MoveCounts& counts) {
  const int n = int(w.config().size());
  for (int p = 0; p < rule.sweep_size; ++p) {
    int i, j = -1;
    if (rule.rule == UpdateRule::Exchange) {
      const auto& b = rule.bonds[rng.below(uint32_t(rule.bonds.size()))];
      i = b.first;
      j = b.second;
      if (w.config()[size_t(i)] == w.config()[size_t(j)]) continue;
    } else {
      i = int(rng.below(uint32_t(n)));
    }
    const T r = w.ratio(i, j);
    const double prob = std::norm(r);
    ++counts.proposed;
    if (uniform01(rng) < prob) {
      w.flip(i, j);
      ++counts.accepted;
    }
  }
}

// Random starting configuration of chain `chain`; with n_up >= 0, exactly n_up spins up.
Config initial_config(int n, int n_up, uint64_t seed, int chain);

// The generator of chain `chain` in sampling pass `pass`.
Xoshiro256 chain_rng(uint64_t seed, uint64_t pass, int chain);

}  // namespace physml::vmc
