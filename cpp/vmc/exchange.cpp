#include "vmc/exchange.hpp"

#include <stdexcept>

namespace physml::vmc {

Exchange::Exchange(const SpinHamiltonian& h) {
  for (const SpinBond& b : h.bonds)
    if (b.flip != 0) pairs_.emplace_back(b.i, b.j);
  if (pairs_.empty()) throw std::invalid_argument("exchange moves need a Hamiltonian with spin-flip terms");
}

std::optional<Flip> Exchange::propose(const Config& s, Xoshiro256& rng) const {
  const auto& [i, j] = pairs_[rng.below(uint32_t(pairs_.size()))];
  if (s[size_t(i)] == s[size_t(j)]) return std::nullopt;
  return Flip(i, j);
}

}  // namespace physml::vmc
