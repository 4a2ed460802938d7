#pragma once
// The Bethe-Peierls approximation of the Ising model on a lattice of uniform coordination z:
// exact on trees (and so on the chain in the thermodynamic limit), a controlled
// approximation on loopy lattices, where it is not a bound. Every neighbour of a site acts
// through the cavity field H it feels from its other z - 1 neighbours,
//   H = h + (z - 1) u(H),   u(H) = T atanh(tanh(J/T) tanh(H/T)),
// and with Z_site = sum_s e^(h s/T) (2 cosh((J s + H)/T))^z and
// Z_bond = sum_(s,s') e^((H (s + s') + J s s')/T),
//   F/N = -T (log Z_site - (z/2) log Z_bond),   T_c = 2J / log(z / (z - 2)).
#include "variational/classical_system.hpp"

namespace physml::variational {

struct Bethe {
  double F, m, E, S;  // per site
};

// Refuses systems without one coupling J on bonds of uniform coordination z >= 2, and J < 0
// in a field (the antiferromagnet's two sublattices feel different fields there).
Bethe bethe(const ClassicalSystem& system, double T);

}  // namespace physml::variational
