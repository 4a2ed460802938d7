#pragma once
// The square-lattice partition function as a network of one four-leg tensor per site, legs
// (left, right, up, down), each leg running over the states of a spin. The bond weight
// W(s, s') = exp(beta J b(s, s')) is split as W = A B^T, A on a site's right and down legs,
// B on its neighbour's left and up legs; the field's weight stays on the site.
#include "renormalization/tensor.hpp"

namespace physml::renormalization {

// Ising: b = s s' and field term s (s = +-1); Potts (mc/potts_spin.hpp): b = delta(s, s') and
// field term delta(s, 0), s = 0..q-1.
enum class SpinKind { Ising, Potts };

struct SquareModel {
  SpinKind kind = SpinKind::Ising;
  double J = 1.0, h = 0.0;
  int q = 2;
};

struct SiteTensor {
  Tensor t;
  // log of the factor taken out of every site's weight so that low temperatures cannot
  // overflow: log Z / N = log_scale + what the network of t gives.
  double log_scale = 0;
};

SiteTensor site_tensor(const SquareModel& m, double beta);

}  // namespace physml::renormalization
