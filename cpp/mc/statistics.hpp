#pragma once
// Error analysis of Monte Carlo time series: binned jackknife for means and for
// the non-linear estimators (specific heat, susceptibility, Binder cumulant),
// and the integrated autocorrelation time with Sokal's automatic window.
#include <vector>

namespace physml {

struct ThermoSummary {
  int n_samples = 0, n_bins = 0;
  double e = 0, e_err = 0;
  double m = 0, m_err = 0;          // signed magnetization (Potts: order parameter)
  double m_abs = 0, m_abs_err = 0;
  double m2 = 0, m2_err = 0;
  double m4 = 0, m4_err = 0;
  double c = 0, c_err = 0;          // beta^2 N (<e^2> - <e>^2)
  double chi = 0, chi_err = 0;      // beta N (<m^2> - <|m|>^2)
  double binder = 0, binder_err = 0;  // 1 - <m^4> / (3 <m^2>^2)
  double tau_e = 0, tau_m = 0;      // in sweeps, of e and |m|
};

// e, m: per-site energy and magnetization, one entry per measurement.
ThermoSummary summarize(const std::vector<double>& e, const std::vector<double>& m, int n_sites,
                        double temperature, int measure_every, int max_bins);

// Integrated autocorrelation time in units of samples (1/2 for independent data).
double integrated_autocorrelation_time(const std::vector<double>& x, double window_c = 6.0);

}  // namespace physml
