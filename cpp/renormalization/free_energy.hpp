#pragma once
// The free energy per site of a square-lattice model by coarse graining its tensor network:
// in the thermodynamic limit (steps until f stops changing) or on the periodic 2^n x 2^n
// torus (the trace of the one tensor left after 2n halvings).
#include <cmath>
#include <string>
#include <vector>

#include "renormalization/coarse_graining.hpp"
#include "renormalization/site_tensor.hpp"

namespace physml::renormalization {

struct Settings {
  std::string method = "hotrg";  // a registered `variational_method` that renormalizes
  int bond_dim = 32;
  int size = 0;          // linear size of the torus, a power of two; 0: the infinite lattice
  double tol = 1e-12;    // thermodynamic limit: stop once two steps change f by less (relative)
  int max_steps = 200;   // halvings at most (the infinite lattice)
  int threads = 1;
};

struct StepRecord {
  double log_norm = 0;     // log of the scale divided out of the tensor after the step
  double log_z = 0;        // log Z / N of the network so far, closed by its trace
  Cut cut;
};

struct FreeEnergy {
  double f = 0, log_z = 0;  // per site
  bool converged = false;   // the infinite lattice: the tolerance was met (a torus: true)
  std::vector<StepRecord> steps;
};

FreeEnergy free_energy(const SquareModel& model, double T, const Settings& s);

// f with the energy and specific heat per site by central differences of log Z in beta,
// step dbeta = fd_step * beta: e = -d log Z / d beta, c = beta^2 d^2 log Z / d beta^2 (the
// truncation's own error in log Z, ~1e-12 away from T_c, is what limits the step from below).
struct Thermodynamics {
  FreeEnergy at;  // at beta
  double e = NAN, c = NAN, dbeta = NAN;
};
constexpr double fd_step = 1e-3;
Thermodynamics thermodynamics(const SquareModel& model, double T, const Settings& s, bool derivatives);

// The halvings a 2^n x 2^n torus takes to one tensor (refuses sizes that are no power of two).
int torus_steps(int size);

}  // namespace physml::renormalization
