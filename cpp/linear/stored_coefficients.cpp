#include "linear/stored_coefficients.hpp"

#include <stdexcept>

#include "linear/cross_validation.hpp"

namespace physml {

namespace {

void check_features(const Matrix& coef, const Matrix& X) {
  if (X.cols() != coef.cols()) throw std::invalid_argument("X has the wrong number of features");
}

void check_regression(const Matrix& coef, const Vector& intercept) {
  if (coef.rows() != 1 || intercept.size() != 1)
    throw std::invalid_argument("regression coefficients must be one row");
}

LinearFit regression(const Matrix& coef, const Vector& intercept) {
  check_regression(coef, intercept);
  LinearFit reg;
  reg.coef = coef.row(0).transpose();
  reg.intercept = intercept(0);
  return reg;
}

ClassifierFit classifier(const Matrix& coef, const Vector& intercept) {
  ClassifierFit cls;
  cls.coef = coef;
  cls.intercept = intercept;
  return cls;
}

}  // namespace

Matrix predict_stored(const std::string& model, const Matrix& coef, const Vector& intercept,
                      const Matrix& X) {
  check_features(coef, X);
  if (is_classifier(model)) return predict_proba(classifier(coef, intercept), X);
  check_regression(coef, intercept);
  Matrix out = X * coef.row(0).transpose();
  out.array() += intercept(0);
  return out;
}

double score_stored(const std::string& model, const Matrix& coef, const Vector& intercept,
                    const Matrix& X, const Vector& y) {
  LinearSpec spec;
  spec.model = model;
  LinearFit reg;
  ClassifierFit cls;
  if (is_classifier(model))
    cls = classifier(coef, intercept);
  else
    reg = regression(coef, intercept);
  check_features(coef, X);
  return score(spec, reg, cls, X, y);
}

}  // namespace physml
