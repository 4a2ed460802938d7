#include "mc/configuration_observables.hpp"

#include <stdexcept>

#include "mc/spin_energy.hpp"
#include "mc/spin_models.hpp"

namespace physml {

ConfigurationObservables configuration_observables(const Lattice& lat, const Model& model,
                                                   const int8_t* configs, int64_t n) {
  const int N = lat.n_sites();
  return with_spin_model(model, [&](auto spin) {
    for (int64_t k = 0; k < n * N; ++k)
      if (!spin.valid(configs[k])) throw std::invalid_argument("configuration values do not fit the model");
    ConfigurationObservables out;
    out.e.resize(size_t(n));
    out.m.resize(size_t(n));
    for (int64_t r = 0; r < n; ++r) {
      const int8_t* s = configs + r * N;
      out.e[size_t(r)] = energy_from_parts(model, energy_parts(lat, spin, s)) / N;
      out.m[size_t(r)] = spin.order_parameter(s, N);
    }
    return out;
  });
}

}  // namespace physml
