#include "variational/bethe.hpp"

#include <cmath>
#include <stdexcept>

namespace physml::variational {

namespace {

double log_2cosh(double x) {
  const double a = std::abs(x);
  return a + std::log1p(std::exp(-2 * a));
}

}  // namespace

Bethe bethe(const ClassicalSystem& system, double T) {
  if (!(T > 0) || !std::isfinite(T)) throw std::invalid_argument("the temperature must be a finite number > 0");
  const int z = system.coordination();
  if (z < 2) throw std::invalid_argument("the Bethe approximation needs one coupling on a lattice of uniform coordination");
  const double h = system.field();
  double J = system.uniform_coupling();
  if (J < 0 && h != 0)
    throw std::invalid_argument("the Bethe approximation of an antiferromagnet in a field is not built (two sublattices)");
  // A bipartite antiferromagnet at h = 0 is the ferromagnet with one sublattice flipped.
  const bool flipped = J < 0;
  J = std::abs(J);
  const double b = 1 / T, tj = std::tanh(b * J);
  auto u = [&](double H) { return T * std::atanh(tj * std::tanh(b * H)); };
  // The stable fixed point of H = |h| + (z - 1) u(H) on H >= 0 (h < 0 by symmetry): there
  // g(H) = |h| + (z - 1) u(H) - H is concave with g(0) = |h| >= 0 and g < 0 past |h| + (z-1) J,
  // so it has one positive root, which bisection finds (iterating the map converges as
  // slowly as 1 - 2 e^(-2J/T) on the chain). At h = 0 the root is 0 unless
  // (z - 1) tanh(J/T) > 1, below T_c.
  const double ha = std::abs(h);
  auto g = [&](double H) { return ha + (z - 1) * u(H) - H; };
  double H = 0;
  if (ha > 0 || (z - 1) * tj > 1) {
    double lo = 0, hi = ha + (z - 1) * J + 1;
    for (int it = 0; it < 200 && hi - lo > 0; ++it) {
      const double mid = 0.5 * (lo + hi);
      if (mid == lo || mid == hi) break;
      (g(mid) > 0 ? lo : hi) = mid;
    }
    H = 0.5 * (lo + hi);
  }
  if (h < 0) H = -H;
  // log Z_site and log Z_bond in a stable form
  const double up = b * h + z * log_2cosh(b * (J + H)), down = -b * h + z * log_2cosh(b * (-J + H));
  const double top = std::max(up, down);
  const double log_site = top + std::log(std::exp(up - top) + std::exp(down - top));
  const double ap = b * J + log_2cosh(2 * b * H), am = -b * J + std::log(2.0);
  const double tb = std::max(ap, am);
  const double log_bond = tb + std::log(std::exp(ap - tb) + std::exp(am - tb));
  Bethe out;
  out.F = -T * (log_site - 0.5 * z * log_bond);
  // m = tanh((h + z u(H))/T); a bond's <s s'> from its two-site marginal
  out.m = std::tanh(b * (h + z * u(H)));
  const double wp = std::exp(ap - tb), wm = std::exp(am - tb);
  const double ss = (wp - wm) / (wp + wm);
  out.E = -0.5 * z * J * ss - h * out.m;
  out.S = (out.E - out.F) / T;
  if (flipped) out.m = 0;  // the uniform magnetization of the antiferromagnet
  return out;
}

}  // namespace physml::variational
