#include "mc/enumeration.hpp"

#include <cmath>
#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

#include "mc/spin_energy.hpp"
#include "mc/spin_models.hpp"

namespace physml {

namespace {

// Number of configurations of each (bond_sum, field_sum, order parameter): exact integer
// keys, so every temperature is summed from the same counts.
using DensityOfStates = std::map<std::pair<std::pair<int64_t, int64_t>, double>, double>;

template <class Spin>
DensityOfStates density_of_states(const Lattice& lat, const Spin& spin, int64_t total) {
  const int N = lat.n_sites();
  const int q = spin.n_states();
  DensityOfStates dos;
  std::vector<int8_t> s(N, spin.state(0));
  std::vector<int> digit(N, 0);
  for (int64_t idx = 0; idx < total; ++idx) {
    const EnergyParts p = energy_parts(lat, spin, s.data());
    const double m = spin.order_parameter(s.data(), N);
    dos[{{p.bond_sum, p.field_sum}, m}] += 1.0;
    for (int i = 0; i < N; ++i) {  // odometer increment
      if (++digit[i] < q) {
        s[i] = spin.state(digit[i]);
        break;
      }
      digit[i] = 0;
      s[i] = spin.state(0);
    }
  }
  return dos;
}

}  // namespace

ExactThermo exact_enumeration(const Lattice& lat, const Model& model,
                              const std::vector<double>& temperatures) {
  const int N = lat.n_sites();
  const int q = model.n_states();
  const double states = std::pow(double(q), N);
  if (states > double(1 << 26)) throw std::invalid_argument("too many configurations to enumerate");
  const DensityOfStates dos = with_spin_model(
      model, [&](auto spin) { return density_of_states(lat, spin, int64_t(states)); });
  ExactThermo out;
  for (double T : temperatures) {
    const double beta = 1.0 / T;
    double emin = 1e300;
    for (const auto& [key, g] : dos)
      emin = std::min(emin, energy_from_parts(model, {key.first.first, key.first.second}));
    double z = 0, se = 0, se2 = 0, sma = 0, sm2 = 0, sm4 = 0;
    for (const auto& [key, g] : dos) {
      const double E = energy_from_parts(model, {key.first.first, key.first.second});
      const double m = key.second;
      const double w = g * std::exp(-beta * (E - emin));
      z += w;
      se += w * E;
      se2 += w * E * E;
      sma += w * std::abs(m);
      sm2 += w * m * m;
      sm4 += w * m * m * m * m;
    }
    const double eav = se / z, e2 = se2 / z, mabs = sma / z, m2 = sm2 / z, m4 = sm4 / z;
    out.f.push_back((emin - T * std::log(z)) / N);
    out.e.push_back(eav / N);
    out.c.push_back(beta * beta * (e2 - eav * eav) / N);
    out.m_abs.push_back(mabs);
    out.m2.push_back(m2);
    out.m4.push_back(m4);
    out.chi.push_back(beta * N * (m2 - mabs * mabs));
    out.binder.push_back(1.0 - m4 / (3.0 * m2 * m2));
  }
  return out;
}

}  // namespace physml
