#pragma once
// Onsager's free energy of the infinite square-lattice Ising model at zero field (Phys. Rev.
// 65, 117 (1944)), the reference of the tensor renormalization schemes:
//   -beta f = log(2 cosh 2K) + (1/pi) int_0^{pi/2} log[(1 + sqrt(1 - k^2 sin^2 t)) / 2] dt,
//   k = 2 sinh 2K / cosh^2 2K,  K = |J| / T  (J < 0 has the same f: flip a sublattice),
// and the energy -J coth 2K [1 + (2/pi)(2 tanh^2 2K - 1) K_1(k)], K_1 the complete elliptic
// integral of the first kind.
namespace physml {

struct OnsagerThermo {
  double f, e;  // per site
};
OnsagerThermo onsager(double J, double T);

}  // namespace physml
