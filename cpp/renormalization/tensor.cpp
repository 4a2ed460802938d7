#include "renormalization/tensor.hpp"

#include <algorithm>
#include <cmath>

namespace physml::renormalization {

Tensor permuted(const Tensor& t, const std::vector<int>& order) {
  const int rank = int(t.dims.size());
  if (int(order.size()) != rank) throw std::logic_error("permuted: order has the wrong rank");
  std::vector<int> dims(static_cast<size_t>(rank));
  for (int k = 0; k < rank; ++k) dims[size_t(k)] = t.dims[size_t(order[size_t(k)])];
  Tensor out(dims);
  // stride in t of each of out's legs, so one pass over out reads t by offsets
  std::vector<size_t> in_stride(static_cast<size_t>(rank)), stride(static_cast<size_t>(rank));
  size_t s = 1;
  for (int k = rank - 1; k >= 0; --k) {
    in_stride[size_t(k)] = s;
    s *= size_t(t.dims[size_t(k)]);
  }
  for (int k = 0; k < rank; ++k) stride[size_t(k)] = in_stride[size_t(order[size_t(k)])];
  std::vector<int> idx(static_cast<size_t>(rank), 0);
  size_t from = 0;
  const size_t n = out.data.size();
  for (size_t i = 0; i < n; ++i) {
    out.data[i] = t.data[from];
    for (int k = rank - 1; k >= 0; --k) {
      from += stride[size_t(k)];
      if (++idx[size_t(k)] < dims[size_t(k)]) break;
      from -= stride[size_t(k)] * size_t(dims[size_t(k)]);
      idx[size_t(k)] = 0;
    }
  }
  return out;
}

Tensor from_matrix(const RowMatrix& m, std::vector<int> dims) {
  Tensor out(std::move(dims));
  if (Eigen::Index(out.data.size()) != m.size()) throw std::logic_error("from_matrix: sizes differ");
  std::copy(m.data(), m.data() + m.size(), out.data.begin());
  return out;
}

double max_abs(const Tensor& t) {
  double m = 0;
  for (double x : t.data) m = std::max(m, std::abs(x));
  return m;
}

}  // namespace physml::renormalization
