#pragma once
// A classical Ising system as the variational methods see it: N spins s_i = +-1 and
//   E(s) = - sum_(i<j) J_ij s_i s_j - h sum_i s_i
// over a list of couplings. Lattice models take their bonds from the lattice registry (each
// bond J); the Sherrington-Kirkpatrick glass couples every pair with J_ij ~ N(0, 1/N) drawn
// from a seed.
#include <cstdint>
#include <string>
#include <vector>

#include "autodiff/tape.hpp"

namespace physml::variational {

struct Coupling {
  int32_t i, j;
  double J;
};

class ClassicalSystem {
 public:
  static ClassicalSystem ising(const std::string& lattice, int L, bool open, double J, double h);
  static ClassicalSystem sherrington_kirkpatrick(int n, uint64_t couplings_seed, double h);

  int n_sites() const { return n_; }
  double field() const { return h_; }
  const std::vector<Coupling>& couplings() const { return couplings_; }
  // A lattice model's neighbours per site where every site has as many (else 0), and its one
  // coupling J (the Bethe approximation needs both).
  int coordination() const { return z_; }
  double uniform_coupling() const { return J_; }
  // E of each row of s (+-1 as doubles).
  Eigen::VectorXd energies(const autodiff::Matrix<double>& s) const;

 private:
  int n_ = 0, z_ = 0;
  double h_ = 0, J_ = 0;
  std::vector<Coupling> couplings_;
};

// Exact free energy, energy and specific heat per site by visiting all 2^N configurations
// (Gray code: one spin flips per step), for N <= 30.
struct ExactFreeEnergy {
  double f, e, c;
};
ExactFreeEnergy enumerate_free_energy(const ClassicalSystem& system, double T);

}  // namespace physml::variational
