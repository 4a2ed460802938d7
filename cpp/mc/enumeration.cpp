#include "mc/enumeration.hpp"

#include <cmath>
#include <map>
#include <stdexcept>
#include <utility>

namespace physml {

ExactThermo exact_enumeration(const Lattice& lat, const Model& model,
                              const std::vector<double>& temperatures) {
  const int N = lat.n_sites();
  const int q = model.n_states();
  const double states = std::pow(double(q), N);
  if (states > double(1 << 26)) throw std::invalid_argument("too many configurations to enumerate");
  // Density of states over (energy parts, magnetization): exact integer keys.
  std::map<std::pair<std::pair<int64_t, int64_t>, double>, double> dos;
  std::vector<int8_t> s(N, model.is_ising() ? -1 : 0);
  std::vector<int> digit(N, 0);
  const int64_t total = int64_t(states);
  for (int64_t idx = 0; idx < total; ++idx) {
    const EnergyParts p = energy_parts(lat, model, s.data());
    const double m = magnetization(lat, model, s.data());
    dos[{{p.bond_sum, p.field_sum}, m}] += 1.0;
    for (int i = 0; i < N; ++i) {  // odometer increment
      if (++digit[i] < q) {
        s[i] = model.is_ising() ? 1 : int8_t(digit[i]);
        break;
      }
      digit[i] = 0;
      s[i] = model.is_ising() ? -1 : 0;
    }
  }
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
