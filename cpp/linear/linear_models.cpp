#include "linear/linear_models.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

namespace physml {

namespace {

// Column means (zero when no intercept is fitted) and the centred copies.
struct Centred {
  Matrix X;
  Vector y;
  Vector x_mean;
  double y_mean = 0.0;
};

// copy_X = false leaves c.X empty: for solvers that centre implicitly.
Centred centre(const Matrix& X, const Vector& y, bool fit_intercept, bool copy_X = true) {
  Centred c{copy_X ? X : Matrix(), y, Vector::Zero(X.cols()), 0.0};
  if (fit_intercept && X.rows() > 0) {
    c.x_mean = X.colwise().mean();
    c.y_mean = y.mean();
    if (copy_X) c.X.rowwise() -= c.x_mean.transpose();
    c.y.array() -= c.y_mean;
  }
  return c;
}

void check_xy(const Matrix& X, long n_targets) {
  if (X.rows() == 0 || X.cols() == 0) throw std::invalid_argument("empty design matrix");
  if (X.rows() != n_targets) throw std::invalid_argument("X and y have different numbers of rows");
  if (!X.allFinite()) throw std::invalid_argument("X contains NaN or infinite values");
}

// X^T X (lower triangle filled), computed as independent column panels
// G[j0:, j0:j1] = X[:, j0:]^T X[:, j0:j1]: no partial sums to add up, so the rounding is
// the same for any number of OpenMP threads (Eigen's own threading is off for the same
// reason, see bindings), and no p x p scratch copies.
Matrix gram(const Matrix& X) {
  const long p = X.cols();
  constexpr long kPanel = 96;
  const long panels = (p + kPanel - 1) / kPanel;
  Matrix G(p, p);
#pragma omp parallel for schedule(dynamic, 1)
  for (long k = 0; k < panels; ++k) {
    const long j0 = k * kPanel, w = std::min(kPanel, p - j0);
    G.block(j0, j0, p - j0, w).noalias() = X.rightCols(p - j0).transpose() * X.middleCols(j0, w);
  }
  return G;
}

// Spin data (configurations, pair products) are small integers. Their Gram matrix is then
// computed exactly in float32 -- twice Eigen's double throughput -- as long as no partial
// sum can exceed 2^24: every integer below that is a float, so the order of summation
// does not matter and the result equals the double computation.
bool exact_in_float(const Matrix& X) {
  double top = 0.0;
  for (long k = 0; k < X.size(); ++k) {
    const double v = X.data()[k];
    if (v != std::nearbyint(v)) return false;
    top = std::max(top, std::abs(v));
  }
  return top * top * double(X.rows()) < 16777216.0;
}

// X^T X of uncentred data for which exact_in_float(X) holds.
Matrix raw_gram(const Matrix& X) {
  const Eigen::MatrixXf Xf = X.cast<float>();
  const long p = X.cols();
  constexpr long kPanel = 128;
  const long panels = (p + kPanel - 1) / kPanel;
  Eigen::MatrixXf G(p, p);
#pragma omp parallel for schedule(dynamic, 1)
  for (long k = 0; k < panels; ++k) {
    const long j0 = k * kPanel, w = std::min(kPanel, p - j0);
    G.block(j0, j0, p - j0, w).noalias() = Xf.rightCols(p - j0).transpose() * Xf.middleCols(j0, w);
  }
  return G.cast<double>();
}

// Iterative refinement of a ridge solution w ~ (X_c^T X_c + alpha)^+ X_c^T y_c. The first
// solve goes through the normal equations, whose conditioning is that of X squared: for small
// alpha it keeps only ~16 - 2 log10(cond X) digits. Residuals taken through X itself (not
// through the Gram matrix) and fed back through the same factorization recover the accuracy of
// a QR or SVD solve (corrected semi-normal equations) for two n x p products per step, as long
// as cond(X)^2 eps < 1. `solve` applies the factorization (or its pseudo-inverse for alpha = 0,
// which keeps w in the retained subspace and so gives the minimum-norm solution).
// X_c is c.X when it was stored, else X centred on the fly with c.x_mean.
void refine_ridge(const Matrix& X, const Centred& c, double alpha,
                  const std::function<Vector(const Vector&)>& solve, Vector& w) {
  const bool stored = c.X.size() > 0;
  auto normal_residual = [&](const Vector& v) {
    Vector res = stored ? Vector(c.X * v) : Vector(X * v);
    if (!stored) res.array() -= c.x_mean.dot(v);
    res = c.y - res;
    Vector g = stored ? Vector(c.X.transpose() * res) : Vector(X.transpose() * res);
    if (!stored) g -= res.sum() * c.x_mean;
    return Vector(g - alpha * v);
  };
  double last = std::numeric_limits<double>::infinity();
  for (int step = 0; step < 8; ++step) {
    const Vector d = solve(normal_residual(w));
    const double size = d.lpNorm<Eigen::Infinity>();
    // a correction that fails to shrink means rounding dominates (or cond^2 eps >= 1):
    // the current w is as good as this factorization can make it
    if (!(size < 0.5 * last)) break;
    w += d;
    last = size;
    if (size <= 4.0 * std::numeric_limits<double>::epsilon() * w.lpNorm<Eigen::Infinity>()) break;
  }
}

double soft_threshold(double x, double t) {
  return x > t ? x - t : (x < -t ? x + t : 0.0);
}

// log(1 + exp(z)) without overflow
double softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

// Truncated Newton (Newton-CG) with a backtracking line search, for smooth convex
// objectives with cheap Hessian-vector products.
struct Objective {
  std::function<double(const Vector&, Vector&)> value_grad;  // returns f, fills gradient
  std::function<void(const Vector& v, Vector& out)> hessp;   // at the last value_grad point
};

int newton_cg(const Objective& obj, Vector& x, double tol, int max_iter, bool& converged) {
  Vector g(x.size()), trial_g(x.size());
  double f = obj.value_grad(x, g);
  const double g0 = std::max(g.lpNorm<Eigen::Infinity>(), 1e-300);
  converged = false;
  int it = 0;
  for (; it < max_iter; ++it) {
    const double gnorm = g.lpNorm<Eigen::Infinity>();
    if (gnorm <= tol * std::max(1.0, g0)) {
      converged = true;
      break;
    }
    // CG on H d = -g to relative accuracy eta (Eisenstat-Walker style forcing).
    const double eta = std::min(0.5, std::sqrt(g.norm()));
    Vector d = Vector::Zero(x.size()), r = -g, p = r, Hp(x.size());
    double rr = r.squaredNorm();
    const double stop = eta * eta * rr;
    for (int k = 0; k < 2 * int(x.size()) + 20 && rr > stop; ++k) {
      obj.hessp(p, Hp);
      const double pHp = p.dot(Hp);
      if (pHp <= 0) break;  // not positive definite along p: use what we have
      const double a = rr / pHp;
      d += a * p;
      r -= a * Hp;
      const double rr_new = r.squaredNorm();
      p = r + (rr_new / rr) * p;
      rr = rr_new;
    }
    if (d.dot(g) >= 0) d = -g;  // safeguard: always a descent direction
    double t = 1.0;
    const double slope = d.dot(g);
    Vector trial(x.size());
    double f_trial = 0.0;
    bool decreased = false;
    for (int ls = 0; ls < 60; ++ls, t *= 0.5) {
      trial = x + t * d;
      f_trial = obj.value_grad(trial, trial_g);
      if (f_trial <= f + 1e-4 * t * slope) {
        decreased = true;
        break;
      }
    }
    // No step lowers f at this precision: stay put. Convergence is only ever judged by the
    // gradient, never by the optimizer having stalled.
    if (!decreased) break;
    const double moved = (trial - x).lpNorm<Eigen::Infinity>();
    x = trial;
    f = f_trial;
    g = trial_g;
    if (moved <= 1e-15 * (1.0 + x.lpNorm<Eigen::Infinity>())) {  // at machine precision
      converged = g.lpNorm<Eigen::Infinity>() <= tol * std::max(1.0, g0);
      ++it;
      break;
    }
  }
  // leave the Hessian callback evaluated at the final point
  obj.value_grad(x, g);
  return it;
}

}  // namespace

LinearFit fit_ols(const Matrix& X, const Vector& y, bool fit_intercept) {
  check_xy(X, y.size());
  const Centred c = centre(X, y, fit_intercept);
  Eigen::CompleteOrthogonalDecomposition<Matrix> cod(c.X);
  LinearFit fit;
  fit.coef = cod.solve(c.y);  // minimum-norm least squares
  fit.intercept = fit_intercept ? c.y_mean - c.x_mean.dot(fit.coef) : 0.0;
  return fit;
}

std::vector<LinearFit> fit_ridge(const Matrix& X, const Vector& y, const std::vector<double>& alphas,
                                 bool fit_intercept) {
  check_xy(X, y.size());
  for (double a : alphas)
    if (!(a >= 0) || !std::isfinite(a)) throw std::invalid_argument("ridge alpha must be >= 0");
  const bool exact_gram = X.rows() >= X.cols() && exact_in_float(X);
  const Centred c = centre(X, y, fit_intercept, !exact_gram);
  auto finish = [&](Vector coef) {
    LinearFit fit;
    fit.intercept = fit_intercept ? c.y_mean - c.x_mean.dot(coef) : 0.0;
    fit.coef = std::move(coef);
    return fit;
  };
  std::vector<LinearFit> out;
  // With more samples than features, work with the p x p Gram matrix X^T X.
  Matrix V;
  Vector lambda, vty;
  if (X.rows() >= X.cols()) {
    Matrix G;
    if (exact_gram) {
      // centre the exact Gram instead of the data: (X - 1 mu^T)^T (X - 1 mu^T) = X^T X - n mu mu^T
      G = raw_gram(X);
      G.triangularView<Eigen::Lower>() -= double(X.rows()) * c.x_mean * c.x_mean.transpose();
    } else {
      G = gram(c.X);
    }
    // the centred y sums to zero, so X^T y_c = X_c^T y_c
    const Vector xty = X.transpose() * c.y;
    const bool all_positive = std::all_of(alphas.begin(), alphas.end(), [](double a) { return a > 0; });
    if (all_positive && alphas.size() <= 3) {
      // a few alphas: one Cholesky factorization each is cheaper than an eigensolve
      for (double a : alphas) {
        Matrix Ga = G;
        Ga.diagonal().array() += a;
        const Eigen::LLT<Matrix, Eigen::Lower> llt(Ga);
        Vector w = llt.solve(xty);
        refine_ridge(X, c, a, [&](const Vector& r) { return Vector(llt.solve(r)); }, w);
        out.push_back(finish(std::move(w)));
      }
      return out;
    }
    // many alphas (or OLS): one eigendecomposition serves them all; its eigenvalues
    // are the squared singular values of X
    Eigen::SelfAdjointEigenSolver<Matrix> eig(G.selfadjointView<Eigen::Lower>());
    V = eig.eigenvectors();
    lambda = eig.eigenvalues().cwiseMax(0.0);
    vty = V.transpose() * xty;
  } else {
    Eigen::BDCSVD<Matrix> svd(c.X, Eigen::ComputeThinU | Eigen::ComputeThinV);
    V = svd.matrixV();
    lambda = svd.singularValues().array().square();
    vty = svd.singularValues().cwiseProduct(svd.matrixU().transpose() * c.y);
  }
  // w = V diag(1 / (lambda + alpha)) V^T X^T y; for alpha = 0 the directions without
  // variance are dropped, which gives the minimum-norm least-squares solution
  const double top = lambda.size() ? lambda.maxCoeff() : 0.0;
  const double cutoff = top * 1e-13 * double(std::max(X.rows(), X.cols()));
  for (double a : alphas) {
    Vector shrink(lambda.size());
    for (int i = 0; i < lambda.size(); ++i)
      shrink(i) = (a > 0 || lambda(i) > cutoff) ? 1.0 / (lambda(i) + a) : 0.0;
    Vector w = V * shrink.cwiseProduct(vty);
    refine_ridge(X, c, a, [&](const Vector& r) { return Vector(V * shrink.cwiseProduct(V.transpose() * r)); },
                 w);
    out.push_back(finish(std::move(w)));
  }
  return out;
}

std::vector<LinearFit> fit_elastic_net_path(const Matrix& X, const Vector& y,
                                            const std::vector<double>& alphas, double l1_ratio,
                                            bool fit_intercept, double tol, int max_iter) {
  check_xy(X, y.size());
  if (!(l1_ratio >= 0 && l1_ratio <= 1)) throw std::invalid_argument("l1_ratio must be in [0, 1]");
  for (double a : alphas)
    if (!(a > 0) || !std::isfinite(a)) throw std::invalid_argument("lasso/elastic-net alpha must be > 0");
  // centred implicitly: column j of the centred design is X_j - mu_j, never stored
  const Centred c = centre(X, y, fit_intercept, false);
  const double n = double(X.rows());
  const long p = X.cols();
  const Vector& mu = c.x_mean;
  Vector col_sq(p);
  for (long j = 0; j < p; ++j) col_sq(j) = (X.col(j).array() - mu(j)).square().sum() / n;
  Vector w = Vector::Zero(p);
  Vector r = c.y;  // residual y_c - X_c w
  // One coordinate-descent pass over `columns`; returns the largest weight change.
  auto sweep = [&](const std::vector<long>& columns, double l1, double l2) {
    double max_change = 0.0;
    const double r_sum = r.sum();
    for (long j : columns) {
      const double old = w(j);
      const double rho = (X.col(j).dot(r) - mu(j) * r_sum) / n + col_sq(j) * old;
      const double fresh = soft_threshold(rho, l1) / (col_sq(j) + l2);
      if (fresh != old) {
        r.array() -= (fresh - old) * (X.col(j).array() - mu(j));
        w(j) = fresh;
        max_change = std::max(max_change, std::abs(fresh - old));
      }
    }
    return max_change;
  };
  std::vector<long> all;
  for (long j = 0; j < p; ++j)
    if (col_sq(j) > 0.0) all.push_back(j);  // a constant column keeps weight 0
  // The optimality test is scale free: violations of the KKT conditions are measured against
  // the largest gradient at w = 0, |X_c^T y_c| / n (= alpha_max * l1_ratio). Below ~1e-14 of
  // it the gradient itself is rounding noise, so tighter tolerances are clipped there.
  double grad_scale = 0.0;
  {
    const double y_sum = c.y.sum();
    for (long j : all)
      grad_scale = std::max(grad_scale, std::abs(X.col(j).dot(c.y) - mu(j) * y_sum) / n);
  }
  // Largest violation over EVERY column of  X_j^T r / n - l2 w_j = l1 sign(w_j)  (w_j != 0)
  // and |X_j^T r / n| <= l1 (w_j = 0). The residual is recomputed from scratch first: the
  // running one drifts by rounding over many rank-one updates, and a stale residual would
  // make the test (and the next sweeps) chase a slightly wrong problem.
  auto kkt_violation = [&](double l1, double l2) {
    r = X * w;
    r.array() -= mu.dot(w);
    r = c.y - r;
    const double r_sum = r.sum();
    double worst = 0.0;
    for (long j : all) {
      const double g = (X.col(j).dot(r) - mu(j) * r_sum) / n - l2 * w(j);
      const double v = w(j) == 0.0 ? std::abs(g) - l1 : std::abs(g - l1 * (w(j) > 0 ? 1.0 : -1.0));
      worst = std::max(worst, v);
    }
    return worst;
  };
  std::vector<LinearFit> out;
  for (double a : alphas) {
    const double l1 = a * l1_ratio, l2 = a * (1.0 - l1_ratio);
    const double kkt_tol = std::max(tol, 1e-14) * grad_scale;
    LinearFit fit;
    fit.converged = false;
    int it = 0;
    bool residual_fresh = false;  // r recomputed by kkt_violation and unchanged since
    // Active-set strategy (as in glmnet): after a pass over every column, iterate on the
    // non-zero weights alone (dropping those that reach zero) until they settle, then check
    // with another full pass. A small change is only a hint: coordinate descent crawls along
    // correlated columns in steps far smaller than its distance to the minimum, so convergence
    // is declared only once the KKT conditions hold over every column.
    while (it < max_iter) {
      const double change = sweep(all, l1, l2);
      ++it;
      if (change != 0.0) residual_fresh = false;
      const double max_w = w.lpNorm<Eigen::Infinity>();
      if (change <= tol * std::max(max_w, 1e-300) || max_w == 0.0) {
        // an exact fixed point on an exact residual: every coordinate is optimal to rounding,
        // nothing more can be had in double precision
        if ((change == 0.0 && residual_fresh) || kkt_violation(l1, l2) <= kkt_tol) {
          fit.converged = true;
          break;
        }
        residual_fresh = true;
      }
      std::vector<long> active;
      for (long j : all)
        if (w(j) != 0.0) active.push_back(j);
      while (it < max_iter) {
        const double inner = sweep(active, l1, l2);
        ++it;
        if (inner != 0.0) residual_fresh = false;
        if (inner <= tol * std::max(w.lpNorm<Eigen::Infinity>(), 1e-300)) break;
        // weights that reached zero leave; the next full pass lets them back if needed
        active.erase(std::remove_if(active.begin(), active.end(), [&](long j) { return w(j) == 0.0; }),
                     active.end());
      }
    }
    fit.iterations = it;
    fit.coef = w;
    fit.intercept = fit_intercept ? c.y_mean - mu.dot(w) : 0.0;
    out.push_back(fit);
  }
  return out;
}

ClassifierFit fit_logistic(const Matrix& X, const Eigen::VectorXi& labels, double alpha,
                           bool fit_intercept, double tol, int max_iter) {
  check_xy(X, labels.size());
  if (!(alpha > 0)) throw std::invalid_argument("logistic regression needs alpha > 0");
  const long n = X.rows(), p = X.cols();
  Vector t(n);  // +-1 targets
  for (long i = 0; i < n; ++i) {
    if (labels(i) != 0 && labels(i) != 1) throw std::invalid_argument("logistic labels must be 0 or 1");
    t(i) = labels(i) ? 1.0 : -1.0;
  }
  const long m = p + (fit_intercept ? 1 : 0);
  Vector curvature(n);  // sigma(1 - sigma) at the last evaluated point
  Objective obj;
  obj.value_grad = [&](const Vector& th, Vector& g) {
    Vector z = X * th.head(p);
    if (fit_intercept) z.array() += th(p);
    double f = 0.5 * alpha * th.head(p).squaredNorm();
    Vector coeff(n);
    for (long i = 0; i < n; ++i) {
      const double margin = t(i) * z(i);
      f += softplus(-margin);
      const double s = 1.0 / (1.0 + std::exp(margin));  // sigma(-margin)
      coeff(i) = -t(i) * s;
      const double prob = 1.0 / (1.0 + std::exp(-z(i)));
      curvature(i) = prob * (1.0 - prob);
    }
    g.resize(m);
    g.head(p) = X.transpose() * coeff + alpha * th.head(p);
    if (fit_intercept) g(p) = coeff.sum();
    return f;
  };
  obj.hessp = [&](const Vector& v, Vector& out) {
    Vector a = X * v.head(p);
    if (fit_intercept) a.array() += v(p);
    a.array() *= curvature.array();
    out.resize(m);
    out.head(p) = X.transpose() * a + alpha * v.head(p);
    if (fit_intercept) out(p) = a.sum();
  };
  Vector th = Vector::Zero(m);
  ClassifierFit fit;
  fit.iterations = newton_cg(obj, th, tol, max_iter, fit.converged);
  fit.coef = th.head(p).transpose();
  fit.intercept = Vector::Constant(1, fit_intercept ? th(p) : 0.0);
  return fit;
}

ClassifierFit fit_softmax(const Matrix& X, const Eigen::VectorXi& labels, int K, double alpha,
                          bool fit_intercept, double tol, int max_iter) {
  check_xy(X, labels.size());
  if (!(alpha > 0)) throw std::invalid_argument("softmax regression needs alpha > 0");
  if (K < 2) throw std::invalid_argument("softmax regression needs at least two classes");
  const long n = X.rows(), p = X.cols();
  for (long i = 0; i < n; ++i)
    if (labels(i) < 0 || labels(i) >= K) throw std::invalid_argument("softmax label out of range");
  const long per = p + (fit_intercept ? 1 : 0);  // parameters per class: weights then bias
  Matrix P(n, K);  // probabilities at the last evaluated point
  auto unpack = [&](const Vector& th, Matrix& W, Vector& b) {
    W.resize(K, p);
    b = Vector::Zero(K);
    for (int k = 0; k < K; ++k) {
      W.row(k) = th.segment(k * per, p).transpose();
      if (fit_intercept) b(k) = th(k * per + p);
    }
  };
  Objective obj;
  obj.value_grad = [&](const Vector& th, Vector& g) {
    Matrix W;
    Vector b;
    unpack(th, W, b);
    Matrix Z = X * W.transpose();
    Z.rowwise() += b.transpose();
    double f = 0.5 * alpha * W.squaredNorm();
    for (long i = 0; i < n; ++i) {
      const double top = Z.row(i).maxCoeff();
      const double lse = top + std::log((Z.row(i).array() - top).exp().sum());
      f -= Z(i, labels(i)) - lse;
      P.row(i) = (Z.row(i).array() - lse).exp();
    }
    Matrix R = P;
    for (long i = 0; i < n; ++i) R(i, labels(i)) -= 1.0;
    const Matrix G = R.transpose() * X + alpha * W;  // (K, p)
    g.resize(K * per);
    for (int k = 0; k < K; ++k) {
      g.segment(k * per, p) = G.row(k).transpose();
      if (fit_intercept) g(k * per + p) = R.col(k).sum();
    }
    return f;
  };
  obj.hessp = [&](const Vector& v, Vector& out) {
    Matrix V;
    Vector c;
    unpack(v, V, c);
    Matrix A = X * V.transpose();  // (n, K)
    A.rowwise() += c.transpose();
    const Vector mix = (P.array() * A.array()).rowwise().sum();
    Matrix B = P.array() * (A.colwise() - mix).array();
    const Matrix G = B.transpose() * X + alpha * V;
    out.resize(K * per);
    for (int k = 0; k < K; ++k) {
      out.segment(k * per, p) = G.row(k).transpose();
      // The biases are unpenalized and only their differences matter; a unit
      // curvature along (1, ..., 1) keeps the Newton system regular without
      // changing the step, since the gradient is orthogonal to that direction.
      if (fit_intercept) out(k * per + p) = B.col(k).sum() + c.sum() / K;
    }
  };
  Vector th = Vector::Zero(K * per);
  ClassifierFit fit;
  fit.iterations = newton_cg(obj, th, tol, max_iter, fit.converged);
  Matrix W;
  Vector b;
  unpack(th, W, b);
  fit.coef = W;
  fit.intercept = b;
  return fit;
}

Matrix predict_proba(const ClassifierFit& fit, const Matrix& X) {
  if (X.cols() != fit.coef.cols()) throw std::invalid_argument("X has the wrong number of features");
  if (fit.coef.rows() == 1) {
    Vector z = X * fit.coef.row(0).transpose();
    z.array() += fit.intercept(0);
    Matrix P(X.rows(), 2);
    P.col(1) = (1.0 / (1.0 + (-z.array()).exp())).matrix();
    P.col(0) = 1.0 - P.col(1).array();
    return P;
  }
  Matrix Z = X * fit.coef.transpose();
  Z.rowwise() += fit.intercept.transpose();
  for (long i = 0; i < Z.rows(); ++i) {
    const double top = Z.row(i).maxCoeff();
    Z.row(i) = (Z.row(i).array() - top).exp();
    Z.row(i) /= Z.row(i).sum();
  }
  return Z;
}

}  // namespace physml
