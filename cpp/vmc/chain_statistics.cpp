#include "vmc/chain_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace physml::vmc {

namespace {

double block_mean(const std::vector<double>& x, long begin, long end) {
  double s = 0;
  for (long k = begin; k < end; ++k) s += x[size_t(k)];
  return s / double(end - begin);
}

}  // namespace

ChainStatistics chain_statistics(const std::vector<double>& x, int chains) {
  ChainStatistics out;
  const long total = long(x.size());
  if (total == 0 || chains < 1) return out;
  const long n = total / chains;
  out.mean = block_mean(x, 0, total);
  double ss = 0;
  for (double v : x) ss += (v - out.mean) * (v - out.mean);
  out.variance = ss / double(total);

  // Standard error from at least 8 blocks: whole chains when there are enough, otherwise
  // each chain cut into equal consecutive parts (block means absorb autocorrelation).
  const long parts = std::min<long>(n, std::max<long>(1, (8 + chains - 1) / chains));
  const long blocks = parts * chains, len = n / parts;
  if (blocks >= 2 && len >= 1) {
    std::vector<double> means;
    for (int c = 0; c < chains; ++c)
      for (long p = 0; p < parts; ++p) means.push_back(block_mean(x, c * n + p * len, c * n + (p + 1) * len));
    const double mm = block_mean(means, 0, long(means.size()));
    double v = 0;
    for (double m : means) v += (m - mm) * (m - mm);
    out.error = std::sqrt(v / double(means.size() - 1) / double(means.size()));
  }

  // Split-R-hat: both halves of every chain as separate chains.
  const long half = n / 2;
  if (half < 2) {
    out.rhat = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  std::vector<double> means, vars;
  for (int c = 0; c < chains; ++c)
    for (int h = 0; h < 2; ++h) {
      const long b = c * n + h * half, e = b + half;
      const double m = block_mean(x, b, e);
      double v = 0;
      for (long k = b; k < e; ++k) v += (x[size_t(k)] - m) * (x[size_t(k)] - m);
      means.push_back(m);
      vars.push_back(v / double(half - 1));
    }
  const double W = block_mean(vars, 0, long(vars.size()));
  const double grand = block_mean(means, 0, long(means.size()));
  double B = 0;
  for (double m : means) B += (m - grand) * (m - grand);
  B *= double(half) / double(means.size() - 1);
  out.rhat = W > 0 ? std::sqrt(((half - 1.0) / half * W + B / half) / W) : 1.0;
  return out;
}

}  // namespace physml::vmc
