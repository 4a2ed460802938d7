#pragma once
// Swap the spins of a pair the Hamiltonian couples by spin flips, chosen uniformly among
// those pairs: the magnetization never changes, so chains stay in the sector of the ground
// state of a Hamiltonian that conserves it, and every move is one H itself could make.
#include <utility>
#include <vector>

#include "vmc/proposal.hpp"

namespace physml::vmc {

class Exchange final : public TransitionRule<Exchange> {
 public:
  explicit Exchange(const SpinHamiltonian& h);
  // A drawn pair of parallel spins is no move.
  std::optional<Flip> propose(const Config& s, Xoshiro256& rng) const override {
    const auto& [i, j] = pairs_[rng.below(uint32_t(pairs_.size()))];
    if (s[size_t(i)] == s[size_t(j)]) return std::nullopt;
    return Flip(i, j);
  }
  bool conserves_sz() const override { return true; }

 private:
  std::vector<std::pair<int, int>> pairs_;
};

}  // namespace physml::vmc
