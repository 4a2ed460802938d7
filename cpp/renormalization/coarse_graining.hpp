#pragma once
// One coarse-graining step: a network of N identical tensors becomes one of N / 2, the bonds
// it cuts truncated by the shared rule (tensor/truncation.hpp). The schemes (trg.cpp,
// hotrg.cpp) register themselves as `variational_method`s (catalog.cpp).
#include <vector>

#include "renormalization/tensor.hpp"
#include "tensor/truncation.hpp"

namespace physml::renormalization {

// What a step's cut kept: the bond dimension, the discarded weight sum(dropped s^2) /
// sum(s^2), and the kept singular values over the largest (descending).
struct Cut {
  int kept = 0;
  double discarded_weight = 0;
  std::vector<double> spectrum;
};

// t: legs (left, right, up, down), the network on a torus (or the plane) whose tensors all
// equal t. Returns the tensor of the halved network, legs in the same convention.
using CoarseGrain = Tensor (*)(const Tensor& t, const tensor::Truncation& cut, int threads, Cut& kept);

Tensor trg_step(const Tensor& t, const tensor::Truncation& cut, int threads, Cut& kept);
Tensor hotrg_step(const Tensor& t, const tensor::Truncation& cut, int threads, Cut& kept);

// a * b, rows in fixed blocks spread over threads: each entry is summed in the same order
// whatever the thread count (a block's product does not depend on who computes it).
RowMatrix product(const Eigen::Ref<const RowMatrix>& a, const Eigen::Ref<const RowMatrix>& b, int threads);

}  // namespace physml::renormalization
