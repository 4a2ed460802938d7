#pragma once
// Kaufman's exact partition function of the Ising model on a finite periodic m x n square
// lattice (Phys. Rev. 76, 1232 (1949)), zero field: the reference for variational free
// energies at sizes past enumeration.
//   Z = (1/2) (2 sinh 2K)^(mn/2) (Z1 + Z2 + Z3 + Z4),  K = J / T,
//   Z1,2 = prod_{r<n} 2 cosh, sinh (m gamma_{2r+1} / 2),  Z3,4 = the same with gamma_{2r},
//   cosh gamma_k = cosh 2K coth 2K - cos(pi k / n) (k >= 1),  gamma_0 = 2K + log tanh K,
// where gamma_0 < 0 above T_c makes Z4 negative: the sum is taken with signs in log space.
namespace physml {

// log Z of the m x n torus with coupling K = J / T > 0 (a bipartite torus with J < 0 has the
// same Z: flip one sublattice).
double kaufman_log_z(int m, int n, double K);

// Free energy per site -T log Z / (m n) and energy per site -d log Z / d beta / (m n), for J
// and T (J may be negative when m and n are even).
struct KaufmanThermo {
  double f, e;
};
KaufmanThermo kaufman_thermo(int m, int n, double J, double T);

}  // namespace physml
