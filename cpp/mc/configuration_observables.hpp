#pragma once
// Energy and order parameter of stored configurations (saved snapshots, generated
// samples), computed as the Monte Carlo measures them, so the two can be compared.
#include <cstdint>
#include <vector>

#include "lattice/lattice.hpp"
#include "mc/model.hpp"

namespace physml {

struct ConfigurationObservables {
  std::vector<double> e, m;  // per site, one entry per configuration
};

// configs: n rows of lat.n_sites() spins. Throws std::invalid_argument when a value is
// no state of the model.
ConfigurationObservables configuration_observables(const Lattice& lat, const Model& model,
                                                   const int8_t* configs, int64_t n);

}  // namespace physml
