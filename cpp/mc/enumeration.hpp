#pragma once
// Exact thermodynamics of small lattices by visiting every configuration: the
// reference every sampler is tested against.
#include <vector>

#include "lattice/lattice.hpp"
#include "mc/model.hpp"

namespace physml {

struct ExactThermo {
  std::vector<double> e, m_abs, m2, m4, c, chi, binder;  // per temperature, per site
  std::vector<double> f;  // free energy per site, -T log Z / N
};

// Refuses more than 2^26 configurations.
ExactThermo exact_enumeration(const Lattice& lat, const Model& model,
                              const std::vector<double>& temperatures);

}  // namespace physml
