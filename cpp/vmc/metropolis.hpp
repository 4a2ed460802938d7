#pragma once
// The Metropolis step shared by every transition rule: accept s -> s' with probability
// min(1, |psi(s')/psi(s)|^2). A template over the rule, so that the rule's propose() is
// inlined into the loop over moves (one virtual call per sweep, not per move).
#include <complex>
#include <optional>

#include "rng/xoshiro256.hpp"
#include "vmc/ansatz.hpp"

namespace physml::vmc {

struct MoveCounts {
  long proposed = 0, accepted = 0;
};

inline double uniform01(Xoshiro256& rng) { return double(rng.next() >> 11) * (1.0 / 9007199254740992.0); }

// `moves` proposals of `rule` on one chain; a proposal that would leave s as it is (nullopt)
// is neither counted nor tested.
template <class T, class Rule>
void metropolis_sweep(Walker<T>& w, const Rule& rule, int moves, Xoshiro256& rng, MoveCounts& counts) {
  for (int p = 0; p < moves; ++p) {
    const std::optional<Flip> move = rule.propose(w.config(), rng);
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

}  // namespace physml::vmc
