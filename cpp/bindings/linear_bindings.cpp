// Python face of the linear models and their features.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "bindings/numpy_arrays.hpp"
#include "linear/cross_validation.hpp"
#include "linear/features.hpp"
#include "linear/stored_coefficients.hpp"

namespace py = pybind11;
using namespace physml;
using namespace physml::bindings;

void bind_linear(py::module_& m) {
  m.def("linear_fit",
        [](const std::string& model, const Matrix& X, const Vector& y, double alpha,
           double l1_ratio, bool fit_intercept, double tol, int max_iter) {
          const LinearSpec spec{model, l1_ratio, fit_intercept, tol, max_iter};
          LinearFit reg;
          ClassifierFit cls;
          {
            py::gil_scoped_release release;
            fit_one(spec, X, y, alpha, reg, cls);
          }
          py::dict d;
          if (is_classifier(model)) {
            d["coef"] = cls.coef;
            d["intercept"] = cls.intercept;
            d["iterations"] = cls.iterations;
            d["converged"] = cls.converged;
          } else {
            d["coef"] = reg.coef;
            d["intercept"] = reg.intercept;
            d["iterations"] = reg.iterations;
            d["converged"] = reg.converged;
          }
          return d;
        },
        py::arg("model"), py::arg("X"), py::arg("y"), py::arg("alpha") = 0.0,
        py::arg("l1_ratio") = 0.5, py::arg("fit_intercept") = true, py::arg("tol") = 1e-8,
        py::arg("max_iter") = 10000,
        "Fit ols, ridge, lasso, elasticnet (regression) or logistic, softmax (labels 0..K-1).");
  m.def("linear_score", &score_stored, py::arg("model"), py::arg("coef"), py::arg("intercept"),
        py::arg("X"), py::arg("y"),
        "R^2 (regression) or accuracy (classification) of stored coefficients on (X, y).");
  m.def("linear_predict", &predict_stored, py::arg("model"), py::arg("coef"), py::arg("intercept"),
        py::arg("X"), "Predictions (n, 1) of a regression, or class probabilities (n, K).");
  m.def("linear_cross_validate",
        [](const std::string& model, const Matrix& X, const Vector& y,
           const std::vector<double>& alphas, int folds, uint64_t seed, double l1_ratio,
           bool fit_intercept, double tol, int max_iter) {
          const LinearSpec spec{model, l1_ratio, fit_intercept, tol, max_iter};
          py::gil_scoped_release release;
          return cross_validate(spec, X, y, alphas, folds, seed);
        },
        py::arg("model"), py::arg("X"), py::arg("y"), py::arg("alphas"), py::arg("folds") = 5,
        py::arg("seed") = 0, py::arg("l1_ratio") = 0.5, py::arg("fit_intercept") = true,
        py::arg("tol") = 1e-8, py::arg("max_iter") = 10000,
        "Validation scores, shape (len(alphas), folds).");
  m.def("pair_features",
        [](Int8Array configs, int threads) {
          if (configs.ndim() != 2) throw std::invalid_argument("configurations must be (n, n_sites)");
          py::gil_scoped_release release;
          return pair_features(configs.data(), long(configs.shape(0)), long(configs.shape(1)), engine_threads(threads));
        },
        py::arg("configs"), py::arg("threads") = 1,
        "All products s_i s_j of each configuration, shape (n, n_sites**2).");
}
