#pragma once
// A dense tensor of a few legs, row-major (the last leg runs fastest), as the coarse-graining
// steps need it: legs permuted, then grouped into the rows and columns of a matrix product.
#include <Eigen/Dense>
#include <array>
#include <cstddef>
#include <stdexcept>
#include <vector>

namespace physml::renormalization {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Tensor {
  std::vector<int> dims;
  std::vector<double> data;

  Tensor() = default;
  explicit Tensor(std::vector<int> d) : dims(std::move(d)), data(size_of(dims), 0.0) {}

  static size_t size_of(const std::vector<int>& d) {
    size_t n = 1;
    for (int x : d) n *= size_t(x);
    return n;
  }
  int dim(int leg) const { return dims[size_t(leg)]; }
  // The first `row_legs` legs as rows, the others as columns.
  Eigen::Map<RowMatrix> matrix(int row_legs) {
    const auto [r, c] = shape(row_legs);
    return Eigen::Map<RowMatrix>(data.data(), r, c);
  }
  Eigen::Map<const RowMatrix> matrix(int row_legs) const {
    const auto [r, c] = shape(row_legs);
    return Eigen::Map<const RowMatrix>(data.data(), r, c);
  }
  std::array<Eigen::Index, 2> shape(int row_legs) const {
    Eigen::Index r = 1, c = 1;
    for (int k = 0; k < int(dims.size()); ++k) (k < row_legs ? r : c) *= dims[size_t(k)];
    return {r, c};
  }
};

// out's leg k is t's leg order[k].
Tensor permuted(const Tensor& t, const std::vector<int>& order);

// A matrix product written back as a tensor of the given legs.
Tensor from_matrix(const RowMatrix& m, std::vector<int> dims);

// Largest |entry|: the scale divided out at every step (its log is what Z keeps).
double max_abs(const Tensor& t);

}  // namespace physml::renormalization
