#pragma once
// Sums over samples are sums of per-chain partial sums, added in chain order. A run whose
// chains are spread over processes all-gathers the per-chain rows first, so every process
// adds the same rows in the same order: the bits of a one-process run, for any split.
#include <Eigen/Dense>
#include <functional>

namespace physml::vmc {

template <class T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Per-chain partial sums (one row per chain held here) -> the rows of every chain of the run,
// in chain order (under MPI an all-gather). Unset: this process holds every chain.
template <class T>
using ChainGather = std::function<RowMatrix<T>(const RowMatrix<T>&)>;

// The sum of the rows of per_chain (gathered first when `gather` is set), in row order.
template <class T>
Eigen::Matrix<T, Eigen::Dynamic, 1> sum_over_chains(const RowMatrix<T>& per_chain, const ChainGather<T>& gather);

}  // namespace physml::vmc
