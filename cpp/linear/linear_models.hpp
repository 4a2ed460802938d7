#pragma once
// Linear models on dense data (Eigen). Objectives follow scikit-learn's, so that
// coefficients can be compared one to one:
//   OLS          min ||y - Xw - b||^2                         (minimum-norm if rank deficient)
//   ridge        min ||y - Xw - b||^2 + alpha ||w||^2
//   elastic net  min 1/(2n) ||y - Xw - b||^2 + alpha r ||w||_1 + alpha (1 - r)/2 ||w||^2
//                (r = l1_ratio; lasso is r = 1)
//   logistic     min sum_i log(1 + exp(-t_i (x_i.w + b))) + alpha/2 ||w||^2,  t = +-1
//   softmax      min -sum_i log p_{y_i}(x_i) + alpha/2 ||W||_F^2,  p = softmax(x W^T + b)
// The intercept b is never penalized.
#include <Eigen/Dense>
#include <vector>

namespace physml {

using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;

struct LinearFit {
  Vector coef;
  double intercept = 0.0;
  int iterations = 0;
  bool converged = true;
};

struct ClassifierFit {
  Matrix coef;       // (n_classes, p); one row for the binary logistic model
  Vector intercept;  // (n_classes,) or (1,)
  int iterations = 0;
  bool converged = true;
};

LinearFit fit_ols(const Matrix& X, const Vector& y, bool fit_intercept);

// One SVD serves every alpha.
std::vector<LinearFit> fit_ridge(const Matrix& X, const Vector& y, const std::vector<double>& alphas,
                                 bool fit_intercept);

// Coordinate descent along the alphas in the order given (largest first is fastest:
// each solution warm-starts the next).
std::vector<LinearFit> fit_elastic_net_path(const Matrix& X, const Vector& y,
                                            const std::vector<double>& alphas, double l1_ratio,
                                            bool fit_intercept, double tol, int max_iter);

// labels: 0/1 for logistic, 0..K-1 for softmax. Newton's method with a line search.
ClassifierFit fit_logistic(const Matrix& X, const Eigen::VectorXi& labels, double alpha,
                           bool fit_intercept, double tol, int max_iter);
ClassifierFit fit_softmax(const Matrix& X, const Eigen::VectorXi& labels, int n_classes,
                          double alpha, bool fit_intercept, double tol, int max_iter);

// Class probabilities (n, K); for the binary model K = 2.
Matrix predict_proba(const ClassifierFit& fit, const Matrix& X);

}  // namespace physml
