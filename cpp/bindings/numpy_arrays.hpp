#pragma once
// Copies between engine vectors and numpy arrays, for the binding files.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace physml::bindings {

template <typename T>
pybind11::array_t<T> to_array(const std::vector<T>& v, std::vector<pybind11::ssize_t> shape) {
  pybind11::array_t<T> a(shape);
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

template <typename T>
pybind11::array_t<T> to_array(const std::vector<T>& v) {
  return to_array(v, {pybind11::ssize_t(v.size())});
}

// d[name] as a flat vector, converting its dtype.
template <typename T>
std::vector<T> from_array(const pybind11::dict& d, const char* name) {
  auto a = pybind11::array_t<T, pybind11::array::c_style | pybind11::array::forcecast>::ensure(d[name]);
  if (!a) throw std::invalid_argument(std::string("checkpoint state lacks ") + name);
  return std::vector<T>(a.data(), a.data() + a.size());
}

using Int8Array = pybind11::array_t<int8_t, pybind11::array::c_style | pybind11::array::forcecast>;

}  // namespace physml::bindings
