#pragma once
// Monotone rational-quadratic splines (Durkan, Bekasov, Murray, Papamakarios, "Neural Spline
// Flows", 2019): the elementwise map of a spline coupling. On [-BOUND, BOUND] the map runs
// through BINS + 1 knots whose bin widths and heights are softmaxes of raw parameters and
// whose interior slopes are softplus; outside it is the identity (slope 1 at the ends, so
// the map is C1). Each element's 3 BINS - 1 raw parameters come from the conditioner.
#include "autodiff/tape.hpp"

namespace physml::flows {

constexpr int BINS = 8;
constexpr int SPLINE_PARAMETERS = 3 * BINS - 1;  // widths, heights, interior slopes
constexpr double BOUND = 3.0;

// y = spline(x) and ln dy/dx for one element with raw parameters p[0 .. SPLINE_PARAMETERS).
void spline_forward(double x, const double* p, double& y, double& log_slope);
// x with spline(x) = y, and ln dy/dx there.
void spline_inverse(double y, const double* p, double& x, double& log_slope);

// The coupling's elementwise step on the tape: for u (batch, dim) and raw parameters
// (batch, dim * SPLINE_PARAMETERS), the columns where moved = 1 go through their splines and
// the others pass. Output (batch, dim + 1): the moved u, then the row's ln |det|.
autodiff::Var spline_transform(autodiff::Tape<double>& t, autodiff::Var u, autodiff::Var raw,
                               const autodiff::Matrix<double>& moved);

}  // namespace physml::flows
