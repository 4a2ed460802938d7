#pragma once
// k-fold cross-validation of the regularization strength.
#include <cstdint>
#include <string>
#include <vector>

#include "linear/linear_models.hpp"

namespace physml {

struct LinearSpec {
  std::string model;  // ols, ridge, lasso, elasticnet, logistic, softmax
  double l1_ratio = 1.0;
  bool fit_intercept = true;
  double tol = 1e-8;
  int max_iter = 10000;
};

bool is_classifier(const std::string& model);

// R^2 for regression, accuracy for classification.
double score(const LinearSpec& spec, const LinearFit& reg, const ClassifierFit& cls,
             const Matrix& X, const Vector& y);

// Fits one model at one alpha; the unused fit of the pair is left empty.
void fit_one(const LinearSpec& spec, const Matrix& X, const Vector& y, double alpha,
             LinearFit& reg, ClassifierFit& cls);

// scores(a, f): validation score of alphas[a] on fold f. Folds are contiguous blocks of
// a permutation fixed by seed.
Matrix cross_validate(const LinearSpec& spec, const Matrix& X, const Vector& y,
                      const std::vector<double>& alphas, int folds, uint64_t seed);

}  // namespace physml
