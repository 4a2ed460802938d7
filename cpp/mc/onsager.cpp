#include "mc/onsager.hpp"

#include <cmath>
#include <stdexcept>

namespace physml {

namespace {

// Gauss-Legendre nodes and weights on [-1, 1] by Newton's method on P_n.
struct Rule {
  static constexpr int n = 24;
  double x[n], w[n];
  Rule() {
    for (int i = 0; i < n; ++i) {
      double z = std::cos(M_PI * (i + 0.75) / (n + 0.5)), dp = 0;
      for (int it = 0; it < 100; ++it) {
        double p0 = 1, p1 = z;
        for (int k = 2; k <= n; ++k) {
          const double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
          p0 = p1;
          p1 = p2;
        }
        dp = n * (z * p1 - p0) / (z * z - 1);
        const double dz = p1 / dp;
        z -= dz;
        if (std::abs(dz) < 1e-16) break;
      }
      x[i] = z;
      w[i] = 2 / ((1 - z * z) * dp * dp);
    }
  }
};

template <class F>
double gauss(const F& f, double a, double b) {
  static const Rule rule;
  const double m = (a + b) / 2, r = (b - a) / 2;
  double s = 0;
  for (int i = 0; i < Rule::n; ++i) s += rule.w[i] * f(m + r * rule.x[i]);
  return s * r;
}

// Halves an interval until its two halves agree with it: near T_c the integrand has a steep
// corner at pi/2 that a single rule misses.
template <class F>
double adaptive(const F& f, double a, double b, double whole, int depth) {
  const double m = (a + b) / 2, left = gauss(f, a, m), right = gauss(f, m, b);
  // absolute per unit length: the integrand is O(1), so the total error stays below 1e-15
  if (depth == 0 || std::abs(left + right - whole) <= 1e-15 * (b - a))
    return left + right;
  return adaptive(f, a, m, left, depth - 1) + adaptive(f, m, b, right, depth - 1);
}

// K_1(k) = pi / (2 AGM(1, sqrt(1 - k^2)))
double elliptic_k(double k) {
  double a = 1, b = std::sqrt(std::max(0.0, 1 - k * k));
  if (b == 0) return INFINITY;
  for (int it = 0; it < 64 && std::abs(a - b) > 1e-16 * a; ++it) {
    const double next = (a + b) / 2;
    b = std::sqrt(a * b);
    a = next;
  }
  return M_PI / (2 * a);
}

}  // namespace

OnsagerThermo onsager(double J, double T) {
  if (!(T > 0) || !std::isfinite(1 / T)) throw std::invalid_argument("T must be > 0 with a finite 1/T");
  const double K = std::abs(J) / T;
  const double c = std::cosh(2 * K), sh = std::sinh(2 * K);
  const double k = std::isfinite(c * c) ? 2 * sh / (c * c) : 0.0;
  auto integrand = [k](double t) {
    const double s = std::sin(t);
    return std::log1p(std::sqrt(std::max(0.0, 1 - k * k * s * s))) - std::log(2.0);
  };
  const double integral = adaptive(integrand, 0, M_PI / 2, gauss(integrand, 0, M_PI / 2), 40);
  // log(2 cosh 2K) without overflow at low T
  const double log_2cosh = 2 * K + std::log1p(std::exp(-4 * K));
  OnsagerThermo out;
  out.f = -T * (log_2cosh + integral / M_PI);
  const double th = std::tanh(2 * K), kk = elliptic_k(k);
  const double critical = 2 * th * th - 1;
  // at T_c the factor vanishes where K_1 diverges, logarithmically: the product is 0
  const double elliptic_term = critical == 0 || !std::isfinite(kk) ? 0.0 : (2 / M_PI) * critical * kk;
  out.e = J == 0 ? 0.0 : -std::abs(J) / th * (1 + elliptic_term);
  return out;
}

}  // namespace physml
