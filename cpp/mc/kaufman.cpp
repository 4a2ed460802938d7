#include "mc/kaufman.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

namespace physml {

namespace {

// log |2 cosh(x)| and log |2 sinh(x)| without overflow.
double log_2cosh(double x) {
  const double a = std::abs(x);
  return a + std::log1p(std::exp(-2 * a));
}
double log_2sinh_abs(double x) {
  const double a = std::abs(x);
  return a + std::log(-std::expm1(-2 * a));
}

}  // namespace

double kaufman_log_z(int m, int n, double K) {
  if (m < 1 || n < 1) throw std::invalid_argument("Kaufman: the torus needs m, n >= 1");
  if (!(K > 0) || !std::isfinite(K)) throw std::invalid_argument("Kaufman: K = J/T must be a finite positive number");
  // Far below T_c cosh 2K overflows; there gamma_k = 2K + log(1 - 2 cos(theta) e^-2K + ...)
  // is 2K to double precision once 2K > 40.
  const bool cold = 2 * K > 40;
  const double c = cold ? 0.0 : std::cosh(2 * K) / std::tanh(2 * K);
  auto gamma = [&](int k) {
    if (k % (2 * n) == 0) return 2 * K + std::log(std::tanh(K));
    return cold ? 2 * K : std::acosh(c - std::cos(M_PI * double(k) / double(n)));
  };
  // log |Z_i| and sign of Z_i
  double lz[4] = {0, 0, 0, 0};
  int sign[4] = {1, 1, 1, 1};
  for (int r = 0; r < n; ++r) {
    const double odd = 0.5 * m * gamma(2 * r + 1), even = 0.5 * m * gamma(2 * r);
    lz[0] += log_2cosh(odd);
    lz[2] += log_2cosh(even);
    if (odd == 0 || even == 0) throw std::invalid_argument("Kaufman: a vanishing factor (K at T_c of a 1-site torus)");
    lz[1] += log_2sinh_abs(odd);
    lz[3] += log_2sinh_abs(even);
    if (odd < 0) sign[1] = -sign[1];
    if (even < 0) sign[3] = -sign[3];
  }
  double top = lz[0];
  for (double v : lz) top = std::max(top, v);
  double sum = 0;
  for (int i = 0; i < 4; ++i) sum += sign[i] * std::exp(lz[i] - top);
  if (!(sum > 0) || !std::isfinite(top)) throw std::runtime_error("Kaufman: the partition function lost its precision");
  // log(2 sinh 2K) = 2K + log(1 - e^-4K), finite for any K > 0 that 2K does not overflow
  const double log_2sinh = 2 * K + std::log(-std::expm1(-4 * K));
  return -std::log(2.0) + 0.5 * double(m) * n * log_2sinh + top + std::log(sum);
}

KaufmanThermo kaufman_thermo(int m, int n, double J, double T) {
  if (!(T > 0) || !std::isfinite(T)) throw std::invalid_argument("Kaufman: T must be a finite positive number");
  if (J == 0) throw std::invalid_argument("Kaufman: J must be nonzero");
  if (J < 0 && (m % 2 || n % 2))
    throw std::invalid_argument("Kaufman: an antiferromagnet on an odd torus is frustrated (no mapping to J > 0)");
  const double K = std::abs(J) / T, N = double(m) * n;
  KaufmanThermo out;
  out.f = -T * kaufman_log_z(m, n, K) / N;
  // E = -d log Z / d beta = -|J| d log Z / dK: a central difference, accurate to ~1e-9
  const double h = 1e-5 * K;
  out.e = -std::abs(J) * (kaufman_log_z(m, n, K + h) - kaufman_log_z(m, n, K - h)) / (2 * h) / N;
  return out;
}

}  // namespace physml
