#pragma once
// A transition rule: it proposes how one Markov chain might move, and the sampler decides
// whether it does (Metropolis acceptance, vmc/sampler.hpp), as NetKet splits MetropolisRule
// from its sampler and classical Monte Carlo splits update rules (mc/update_rule.hpp) from
// the simulation. Every proposal here is its own reverse with equal probability, so
// acceptance needs |psi(s')/psi(s)|^2 alone.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ed/hamiltonian.hpp"
#include "rng/xoshiro256.hpp"
#include "vmc/ansatz.hpp"
#include "vmc/metropolis.hpp"

namespace physml::vmc {

class Proposal {
 public:
  virtual ~Proposal() = default;
  // The sites to flip, from draws of `rng`; nothing when the drawn move would leave s as it
  // is, which the sampler then neither counts nor tests.
  virtual std::optional<Flip> propose(const Config& s, Xoshiro256& rng) const = 0;
  // Whether every move keeps the magnetization, so a chain stays in the sector it starts in.
  virtual bool conserves_sz() const = 0;
  // Whether a sweep replaces the configuration by an exact sample (no Markov chain).
  virtual bool samples_exactly() const { return false; }
  // `moves` Metropolis steps of one chain (vmc/metropolis.hpp).
  virtual void sweep(Walker<double>& w, int moves, Xoshiro256& rng, MoveCounts& counts) const = 0;
  virtual void sweep(Walker<std::complex<double>>& w, int moves, Xoshiro256& rng, MoveCounts& counts) const = 0;
};

// A concrete rule derives from TransitionRule<itself> and defines propose() inline: its sweeps
// then run the Metropolis loop with the proposal inlined.
template <class Rule>
class TransitionRule : public Proposal {
 public:
  void sweep(Walker<double>& w, int moves, Xoshiro256& rng, MoveCounts& counts) const final {
    metropolis_sweep(w, static_cast<const Rule&>(*this), moves, rng, counts);
  }
  void sweep(Walker<std::complex<double>>& w, int moves, Xoshiro256& rng, MoveCounts& counts) const final {
    metropolis_sweep(w, static_cast<const Rule&>(*this), moves, rng, counts);
  }
};

// A registered proposal (vmc/proposal.cpp) for a Hamiltonian; throws std::invalid_argument
// when it cannot move chains under it.
using ProposalFactory = std::function<std::unique_ptr<Proposal>(const SpinHamiltonian&)>;
using ProposalRegistry = registry::Registry<ProposalFactory>;
const ProposalFactory& parse_proposal(const std::string& name);

}  // namespace physml::vmc
