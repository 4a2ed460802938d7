#include "mc/statistics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace physml {

double integrated_autocorrelation_time(const std::vector<double>& x, double window_c) {
  const int n = int(x.size());
  if (n < 4) return std::nan("");
  double mean = 0.0;
  for (double v : x) mean += v;
  mean /= n;
  double c0 = 0.0;
  for (double v : x) c0 += (v - mean) * (v - mean);
  c0 /= n;
  if (c0 <= 0.0) return 0.5;  // constant series: no fluctuation to correlate
  double tau = 0.5;
  for (int t = 1; t < n / 2; ++t) {
    double ct = 0.0;
    for (int i = 0; i + t < n; ++i) ct += (x[i] - mean) * (x[i + t] - mean);
    ct /= (n - t);
    tau += ct / c0;
    if (t >= window_c * tau) break;  // Sokal: stop once the window covers c * tau
  }
  return std::max(tau, 0.5);
}

ThermoSummary summarize(const std::vector<double>& e, const std::vector<double>& m, int n_sites,
                        double temperature, int measure_every, int max_bins) {
  ThermoSummary s;
  const int n = int(std::min(e.size(), m.size()));
  s.n_samples = n;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (n == 0) {
    s = ThermoSummary{};
    s.e = s.e_err = s.m = s.m_err = s.m_abs = s.m_abs_err = s.m2 = s.m2_err = s.m4 = s.m4_err = nan;
    s.c = s.c_err = s.chi = s.chi_err = s.binder = s.binder_err = s.tau_e = s.tau_m = nan;
    return s;
  }
  const double beta = 1.0 / temperature;
  const int B = std::max(1, std::min(max_bins, n));
  const int per_bin = n / B;
  const int skip = n - B * per_bin;  // oldest samples dropped so bins are equal
  // bin sums of e, e^2, m, |m|, m^2, m^4
  constexpr int K = 6;
  std::vector<std::array<double, K>> bins(B, std::array<double, K>{});
  for (int i = skip; i < n; ++i) {
    auto& b = bins[(i - skip) / per_bin];
    const double mm = m[i] * m[i];
    b[0] += e[i];
    b[1] += e[i] * e[i];
    b[2] += m[i];
    b[3] += std::abs(m[i]);
    b[4] += mm;
    b[5] += mm * mm;
  }
  std::array<double, K> total{};
  for (const auto& b : bins)
    for (int k = 0; k < K; ++k) total[k] += b[k];
  const double used = double(B) * per_bin;
  auto derived = [&](const std::array<double, K>& mean, double out[8]) {
    out[0] = mean[0];
    out[1] = mean[2];
    out[2] = mean[3];
    out[3] = mean[4];
    out[4] = mean[5];
    out[5] = beta * beta * n_sites * (mean[1] - mean[0] * mean[0]);
    out[6] = beta * n_sites * (mean[4] - mean[3] * mean[3]);
    out[7] = mean[4] > 0 ? 1.0 - mean[5] / (3.0 * mean[4] * mean[4]) : nan;
  };
  std::array<double, K> full_mean;
  for (int k = 0; k < K; ++k) full_mean[k] = total[k] / used;
  double full[8];
  derived(full_mean, full);
  double err[8];
  if (B < 2) {
    std::fill(err, err + 8, nan);
  } else {
    std::vector<std::array<double, 8>> jack(B);
    double jmean[8] = {0};
    for (int b = 0; b < B; ++b) {
      std::array<double, K> mean;
      for (int k = 0; k < K; ++k) mean[k] = (total[k] - bins[b][k]) / (used - per_bin);
      derived(mean, jack[b].data());
      for (int j = 0; j < 8; ++j) jmean[j] += jack[b][j] / B;
    }
    for (int j = 0; j < 8; ++j) {
      double v = 0.0;
      for (int b = 0; b < B; ++b) v += (jack[b][j] - jmean[j]) * (jack[b][j] - jmean[j]);
      err[j] = std::sqrt(v * (B - 1) / B);
    }
  }
  s.n_bins = B;
  s.e = full[0]; s.e_err = err[0];
  s.m = full[1]; s.m_err = err[1];
  s.m_abs = full[2]; s.m_abs_err = err[2];
  s.m2 = full[3]; s.m2_err = err[3];
  s.m4 = full[4]; s.m4_err = err[4];
  s.c = full[5]; s.c_err = err[5];
  s.chi = full[6]; s.chi_err = err[6];
  s.binder = full[7]; s.binder_err = err[7];
  std::vector<double> am(m.begin(), m.begin() + n);
  for (double& v : am) v = std::abs(v);
  s.tau_e = integrated_autocorrelation_time(e) * measure_every;
  s.tau_m = integrated_autocorrelation_time(am) * measure_every;
  return s;
}

}  // namespace physml
