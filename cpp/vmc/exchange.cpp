#include "vmc/exchange.hpp"

#include <stdexcept>

namespace physml::vmc {

Exchange::Exchange(const SpinHamiltonian& h) {
  for (const SpinBond& b : h.bonds)
    if (b.flip != 0) pairs_.emplace_back(b.i, b.j);
  if (pairs_.empty()) throw std::invalid_argument("exchange moves need a Hamiltonian with spin-flip terms");
}

}  // namespace physml::vmc
