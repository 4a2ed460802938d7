#include "variational/mean_field.hpp"

#include <cmath>
#include <stdexcept>

namespace physml::variational {

namespace {

double entropy(double m) {
  double s = 0;
  for (double p : {(1 + m) / 2, (1 - m) / 2})
    if (p > 0) s -= p * std::log(p);
  return s;
}

}  // namespace

double mean_field_critical_temperature(const ClassicalSystem& system) {
  double total = 0;
  for (const Coupling& c : system.couplings()) total += c.J;
  return std::max(0.0, 2 * total / system.n_sites());
}

MeanField mean_field(const ClassicalSystem& system, double T) {
  if (!(T > 0) || !std::isfinite(T)) throw std::invalid_argument("the temperature must be a finite number > 0");
  double total = 0;
  for (const Coupling& c : system.couplings()) total += c.J;
  const double jbar = total / system.n_sites(), h = system.field();
  auto free = [&](double m) { return -jbar * m * m - h * m - T * entropy(m); };
  // With h >= 0 (h < 0 by symmetry) the minimum has m >= 0, where dF/dm = T atanh m - 2 Jbar m - h
  // starts at -h <= 0, is convex and grows without bound: it crosses zero once, which bisection
  // finds; where it starts rising (T >= 2 Jbar, h = 0) the minimum is m = 0.
  const double sign = h < 0 ? -1.0 : 1.0;
  const double ha = std::abs(h);
  auto slope = [&](double m) { return T * std::atanh(m) - 2 * jbar * m - ha; };
  double m = 0;
  if (slope(1e-12) < 0) {
    double lo = 0, hi = 1.0 - 1e-16;
    for (int it = 0; it < 200; ++it) {
      const double mid = 0.5 * (lo + hi);
      (slope(mid) < 0 ? lo : hi) = mid;
    }
    m = 0.5 * (lo + hi);
  }
  m *= sign;
  MeanField out;
  out.m = m;
  out.F = free(m);
  out.E = -jbar * m * m - h * m;
  out.S = entropy(m);
  return out;
}

}  // namespace physml::variational
