#pragma once
// Metropolis-Hastings sampling of |psi(s)|^2 (the sampler), with the transition rule
// separate (vmc/proposal.hpp). Each chain draws from its own xoshiro256** stream addressed by
// (seed, pass, chain), so a chain's samples never depend on the thread that runs it.
#include <cstdint>
#include <optional>
#include <vector>

#include "rng/xoshiro256.hpp"
#include "vmc/ansatz.hpp"
#include "vmc/proposal.hpp"

namespace physml::vmc {

struct MoveCounts {
  long proposed = 0, accepted = 0;
};

inline double uniform01(Xoshiro256& rng) { return double(rng.next() >> 11) * (1.0 / 9007199254740992.0); }

// `moves` proposals on one chain, each accepted with probability min(1, |psi(s')/psi(s)|^2).
template <class T>
void metropolis_sweep(Walker<T>& w, const Proposal& proposal, int moves, Xoshiro256& rng, MoveCounts& counts) {
  for (int p = 0; p < moves; ++p) {
    const std::optional<Flip> move = proposal.propose(w.config(), rng);
    if (!move) continue;
    const T r = w.ratio(move->first, move->second);
    const double prob = std::norm(r);
    ++counts.proposed;
    if (uniform01(rng) < prob) {
      w.flip(move->first, move->second);
      ++counts.accepted;
    }
  }
}

// Random starting configuration of chain `chain`; with n_up >= 0, exactly n_up spins up.
Config initial_config(int n, int n_up, uint64_t seed, int chain);

// The generator of chain `chain` in sampling pass `pass`.
Xoshiro256 chain_rng(uint64_t seed, uint64_t pass, int chain);

}  // namespace physml::vmc
