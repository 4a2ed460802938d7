#include "vmc/chain_gather.hpp"

#include <complex>
#include <stdexcept>

namespace physml::vmc {

template <class T>
Eigen::Matrix<T, Eigen::Dynamic, 1> sum_over_chains(const RowMatrix<T>& per_chain, const ChainGather<T>& gather) {
  const RowMatrix<T> all = gather ? gather(per_chain) : RowMatrix<T>();
  const RowMatrix<T>& rows = gather ? all : per_chain;
  if (gather && rows.cols() != per_chain.cols()) throw std::runtime_error("gathered chain rows of the wrong width");
  Eigen::Matrix<T, Eigen::Dynamic, 1> out = Eigen::Matrix<T, Eigen::Dynamic, 1>::Zero(per_chain.cols());
  for (long c = 0; c < rows.rows(); ++c) out += rows.row(c).transpose();
  return out;
}

template Eigen::VectorXd sum_over_chains(const RowMatrix<double>&, const ChainGather<double>&);
template Eigen::VectorXcd sum_over_chains(const RowMatrix<std::complex<double>>&,
                                          const ChainGather<std::complex<double>>&);

}  // namespace physml::vmc
