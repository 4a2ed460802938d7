#pragma once
// Fitted linear models as a file keeps them: coefficients (K, p) and intercepts (K,),
// one row for a regression, one row per class (one in all for binary logistic) for a
// classifier.
#include <string>

#include "linear/linear_models.hpp"

namespace physml {

// Predictions (n, 1) of a regression, or class probabilities (n, K).
Matrix predict_stored(const std::string& model, const Matrix& coef, const Vector& intercept,
                      const Matrix& X);

// R^2 (regression) or accuracy (classification) on (X, y).
double score_stored(const std::string& model, const Matrix& coef, const Vector& intercept,
                    const Matrix& X, const Vector& y);

}  // namespace physml
