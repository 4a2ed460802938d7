#include "linear/cross_validation.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "registry/registry.hpp"
#include "rng/philox.hpp"

namespace physml {

namespace {

registry::Description linear(const std::string& name, const std::string& summary, bool classifier,
                             bool needs_penalty) {
  registry::Description d;
  d.concept = "linear_model";
  d.name = name;
  d.summary = summary;
  d.parameters = {{"alpha", "float", "regularization strength", 0, registry::Parameter{}.max, !needs_penalty}};
  d.capabilities = {{"classifier", classifier}, {"needs_positive_alpha", needs_penalty}};
  return d;
}

// Its own factory type, so that no other concept keyed on a plain bool shares its registry.
struct LinearModelKind {
  bool classifier = false;
};

const bool registered = [] {
  auto& r = registry::Registry<LinearModelKind>::instance();
  r.add(linear("ols", "ordinary least squares", false, false), {false});
  r.add(linear("ridge", "least squares + alpha |w|^2", false, false), {false});
  r.add(linear("lasso", "least squares + alpha |w|_1", false, true), {false});
  r.add(linear("elasticnet", "least squares + L1 and L2 penalties (--l1-ratio)", false, true), {false});
  r.add(linear("logistic", "binary logistic regression, L2 penalty alpha", true, true), {true});
  r.add(linear("softmax", "multinomial logistic regression, L2 penalty alpha", true, true), {true});
  return true;
}();


Eigen::VectorXi as_labels(const Vector& y) {
  Eigen::VectorXi lab(y.size());
  for (long i = 0; i < y.size(); ++i) {
    if (y(i) != std::floor(y(i)) || y(i) < 0) throw std::invalid_argument("class labels must be integers >= 0");
    lab(i) = int(y(i));
  }
  return lab;
}

}  // namespace

bool is_classifier(const std::string& model) {
  return registry::Registry<LinearModelKind>::instance().get(model, "linear model").classifier;
}

void fit_one(const LinearSpec& spec, const Matrix& X, const Vector& y, double alpha,
             LinearFit& reg, ClassifierFit& cls) {
  const std::string& m = spec.model;
  if (m == "ols") {
    reg = fit_ols(X, y, spec.fit_intercept);
  } else if (m == "ridge") {
    reg = fit_ridge(X, y, {alpha}, spec.fit_intercept)[0];
  } else if (m == "lasso" || m == "elasticnet") {
    reg = fit_elastic_net_path(X, y, {alpha}, m == "lasso" ? 1.0 : spec.l1_ratio, spec.fit_intercept,
                               spec.tol, spec.max_iter)[0];
  } else if (m == "logistic") {
    cls = fit_logistic(X, as_labels(y), alpha, spec.fit_intercept, spec.tol, spec.max_iter);
  } else if (m == "softmax") {
    const Eigen::VectorXi lab = as_labels(y);
    cls = fit_softmax(X, lab, lab.maxCoeff() + 1, alpha, spec.fit_intercept, spec.tol, spec.max_iter);
  } else {
    throw std::invalid_argument("unknown linear model '" + m +
                                "' (choose ols, ridge, lasso, elasticnet, logistic, softmax)");
  }
}

double score(const LinearSpec& spec, const LinearFit& reg, const ClassifierFit& cls,
             const Matrix& X, const Vector& y) {
  if (y.size() == 0) return std::nan("");
  if (is_classifier(spec.model)) {
    const Matrix P = predict_proba(cls, X);
    long right = 0;
    for (long i = 0; i < X.rows(); ++i) {
      Eigen::Index k;
      P.row(i).maxCoeff(&k);
      right += double(k) == y(i);
    }
    return double(right) / double(X.rows());
  }
  Vector pred = X * reg.coef;
  pred.array() += reg.intercept;
  const double ss_res = (y - pred).squaredNorm();
  const double ss_tot = (y.array() - y.mean()).square().sum();
  return ss_tot > 0 ? 1.0 - ss_res / ss_tot : (ss_res == 0 ? 1.0 : 0.0);
}

Matrix cross_validate(const LinearSpec& spec, const Matrix& X, const Vector& y,
                      const std::vector<double>& alphas, int folds, uint64_t seed) {
  const long n = X.rows();
  if (folds < 2 || folds > n) throw std::invalid_argument("--cv needs 2 <= folds <= number of samples");
  // Fisher-Yates with addressed draws: the permutation depends on the seed only.
  std::vector<long> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  const Key key = make_key(seed);
  for (long i = n - 1; i > 0; --i) {
    const Counter c = draw(key, uint32_t(i), 0xCF, 0);
    const long j = long((uint64_t(c[0]) * uint64_t(i + 1)) >> 32);
    std::swap(perm[i], perm[j]);
  }
  Matrix scores(alphas.size(), folds);
  for (int f = 0; f < folds; ++f) {
    const long lo = n * f / folds, hi = n * (f + 1) / folds;
    Matrix Xt(n - (hi - lo), X.cols()), Xv(hi - lo, X.cols());
    Vector yt(n - (hi - lo)), yv(hi - lo);
    for (long i = 0, a = 0, b = 0; i < n; ++i) {
      if (i >= lo && i < hi) {
        Xv.row(b) = X.row(perm[i]);
        yv(b++) = y(perm[i]);
      } else {
        Xt.row(a) = X.row(perm[i]);
        yt(a++) = y(perm[i]);
      }
    }
    if (spec.model == "ridge") {  // one SVD per fold serves every alpha
      const auto fits = fit_ridge(Xt, yt, alphas, spec.fit_intercept);
      for (size_t a = 0; a < alphas.size(); ++a) scores(a, f) = score(spec, fits[a], {}, Xv, yv);
      continue;
    }
    for (size_t a = 0; a < alphas.size(); ++a) {
      LinearFit reg;
      ClassifierFit cls;
      fit_one(spec, Xt, yt, alphas[a], reg, cls);
      scores(a, f) = score(spec, reg, cls, Xv, yv);
    }
  }
  return scores;
}

}  // namespace physml
