#pragma once
// Drawing one of n states with probability proportional to exp(logw[k]): the heat bath of
// a spin with more than two states.
#include <algorithm>
#include <cmath>

namespace physml {

// x uniform in [0, 1). logw is overwritten. Weights are taken relative to the largest,
// so that large beta cannot overflow exp.
inline int choose_by_log_weight(double* logw, int n, double x) {
  double top = -1e300;
  for (int k = 0; k < n; ++k) top = std::max(top, logw[k]);
  double total = 0.0;
  for (int k = 0; k < n; ++k) total += (logw[k] = std::exp(logw[k] - top));
  double target = x * total;
  int k = 0;
  while (k < n - 1 && target >= logw[k]) target -= logw[k++];
  return k;
}

}  // namespace physml
