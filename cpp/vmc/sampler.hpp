#pragma once
// Metropolis-Hastings sampling of |psi(s)|^2 (the sampler), with the transition rule
// separate (vmc/proposal.hpp). Each chain draws from its own xoshiro256** stream addressed by
// (seed, pass, chain), so a chain's samples never depend on the thread that runs it.
#include <cstdint>
#include <vector>

#include "rng/xoshiro256.hpp"
#include "vmc/ansatz.hpp"
#include "vmc/metropolis.hpp"
#include "vmc/proposal.hpp"

namespace physml::vmc {

// Random starting configuration of chain `chain`; with n_up >= 0, exactly n_up spins up.
Config initial_config(int n, int n_up, uint64_t seed, int chain);

// The generator of chain `chain` in sampling pass `pass`.
Xoshiro256 chain_rng(uint64_t seed, uint64_t pass, int chain);

}  // namespace physml::vmc
