#pragma once
// Normalizing flows of real vectors: RealNVP affine couplings (Dinh, Sohl-Dickstein, Bengio
// 2017), NICE additive ones (Dinh, Krueger, Bengio 2015) and rational-quadratic spline ones
// (Durkan et al. 2019, flows/spline.hpp). Layer k keeps the coordinates its mask b_k marks
// and moves the others, u -> u o exp(s(b o u)) + t(b o u) (or a monotone spline whose knots
// come from b o u), with s and t from a small network of the kept ones; masks alternate, so
// every coordinate is moved every other layer. The Jacobian is triangular: ln|det| is the
// sum of the moved coordinates' log-slopes, exact.
// Data are first standardised (a fixed affine map from the training data's mean and spread),
// and the base density is N(0, I).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "autodiff/network.hpp"

namespace physml::flows {

using Matrix = autodiff::Matrix<double>;
using Row = Eigen::RowVectorXd;

enum class Coupling { Affine, Additive, Spline };
Coupling parse_coupling(const std::string& name);

struct FlowShape {
  int dim = 2;
  int layers = 8;
  std::vector<int> hidden{64, 64};
  Coupling coupling = Coupling::Affine;
  std::string activation = "tanh";
};

class RealNVP {
 public:
  // shift, spread: the standardisation x -> (x - shift) / spread, spread > 0.
  RealNVP(FlowShape shape, Row shift, Row spread);

  // Conditioners drawn at random with their last layer zero: the flow starts as the
  // standardisation alone (a Gaussian fitted to the data's moments).
  void initialize(uint64_t seed);

  const FlowShape& shape() const { return shape_; }
  const Row& shift() const { return shift_; }
  const Row& spread() const { return spread_; }

  // Every trained array, layer by layer: the conditioner's (W, b) pairs, then (affine) the
  // row of maximal log-scales. set_parameters takes the same list back (shapes checked).
  std::vector<Matrix> parameters() const;
  void set_parameters(const std::vector<Matrix>& arrays);

  // ln q of standardised rows on a tape; `params` are the tape's Vars of parameters(), in
  // order (from trainable_parameters() or constants for inference).
  autodiff::Var log_prob(autodiff::Tape<double>& t, autodiff::Var u,
                         const std::vector<autodiff::Var>& params) const;
  std::vector<autodiff::Parameter<double>*> trainable_parameters();

  // The map to the base space on a tape: (z, ln|det dz/dx|) of standardised rows u.
  std::pair<autodiff::Var, autodiff::Var> to_base(autodiff::Tape<double>& t, autodiff::Var u,
                                                  const std::vector<autodiff::Var>& params) const;

  // The map of raw rows to the base space and back, each with ln|det dz/dx| (at x).
  Matrix to_base(const Matrix& X, Eigen::VectorXd& log_det, int threads) const;
  Matrix from_base(const Matrix& Z, Eigen::VectorXd& log_det, int threads) const;

  // ln q(x) of raw rows, and n samples (rows) with their ln q; sample i depends on
  // (seed, i) only.
  Eigen::VectorXd log_prob(const Matrix& X, int threads) const;
  Matrix sample(int n, uint64_t seed, Eigen::VectorXd& log_q, int threads) const;

  Matrix standardise(const Matrix& X) const;

 private:
  std::string conditioner_architecture() const;
  FlowShape shape_;
  Row shift_, spread_;
  std::vector<autodiff::Network<double>> nets_;
  std::vector<autodiff::Parameter<double>> log_scale_limits_;  // affine: (1, dim) per layer
  std::vector<Matrix> kept_, moved_;                            // the masks b and 1 - b, (1, dim)
};

}  // namespace physml::flows
