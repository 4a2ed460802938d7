#pragma once
// Naive mean field: the product measure q(s) = prod_i (1 + m s_i) / 2 with one magnetization m
// for every site, the simplest member of the Gibbs-Bogoliubov family F <= F_q = <E>_q - T S_q:
//   F_q / N = -Jbar m^2 - h m - T s(m),   s(m) = -sum_(+-) (1 +- m)/2 log((1 +- m)/2),
// with Jbar = sum of the couplings / N (z J / 2 on a lattice of coordination z). Its minimum
// solves m = tanh((2 Jbar m + h) / T), ordered below T_c = 2 Jbar (z J).
#include "variational/classical_system.hpp"

namespace physml::variational {

struct MeanField {
  double F, m, E, S;  // per site, at the minimising m
};

MeanField mean_field(const ClassicalSystem& system, double T);
// T_c = 2 Jbar of the system (0 where Jbar <= 0: no ordered uniform solution).
double mean_field_critical_temperature(const ClassicalSystem& system);

}  // namespace physml::variational
