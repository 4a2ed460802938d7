#pragma once
// Two-dimensional densities to check density estimators against (flows, diffusion models):
// samples and the exact log-density, so a model's test NLL can be set beside the true
// entropy. Each is registered as a `toy_distribution` with its shape parameters as facts.
//   gaussians8    eight isotropic Gaussians (sigma 0.1) centred on a circle of radius 2
//   ring          radius ~ N(2, 0.1^2) (folded at 0), angle uniform
//   checkerboard  uniform on the 8 dark squares of a 4 x 4 board covering [-2, 2]^2
//   moons         sklearn's two interleaved half circles, plus N(0, 0.1^2) noise per axis
// The moons' density is a convolution along the arcs, integrated numerically (composite
// Simpson, 4096 panels per arc: relative error below 1e-9); the others are closed forms.
#include <Eigen/Dense>
#include <cstdint>
#include <string>

namespace physml::datasets {

// n samples, one row (x, y) each; sample i depends on (seed, i) only.
Eigen::MatrixXd toy_sample(const std::string& name, int n, uint64_t seed);
// ln p at each row of X (n x 2); -inf where p = 0 (off the checkerboard's squares).
Eigen::VectorXd toy_log_density(const std::string& name, const Eigen::MatrixXd& X);

}  // namespace physml::datasets
