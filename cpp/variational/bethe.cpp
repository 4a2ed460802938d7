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
  // Iterated from the ordered side (the sign of h), the cavity field settles on the stable
  // fixed point: the paramagnet above T_c, the ordered one below.
  double H = h >= 0 ? 10 * (z * J + std::abs(h)) : -10 * (z * J + std::abs(h));
  for (int it = 0; it < 100000; ++it) {
    const double next = h + (z - 1) * u(H);
    if (std::abs(next - H) <= 1e-15 * (1 + std::abs(H))) {
      H = next;
      break;
    }
    H = next;
  }
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
