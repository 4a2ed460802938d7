#include "vmc/estimator.hpp"

#include <cmath>
#include <complex>
#include <stdexcept>

#include "autodiff/tape.hpp"

namespace physml::vmc {

namespace {

// Statistics of the local energies of all chains; returns their mean <E>.
template <class T>
T energy_statistics(const std::vector<T>& eloc, const std::vector<MoveCounts>& counts,
                    const ChainReduction<T>& over, Estimate<T>& out) {
  const long per = over.rows_per_chain, ns = over.samples();
  // All local energies, in chain order (the gather returns every chain's row in chain order).
  std::vector<T> all_e = eloc;
  if (over.spread()) {
    const RowMatrix<T> all = over.gather(Eigen::Map<const RowMatrix<T>>(eloc.data(), over.chains, per));
    if (all.rows() != over.total_chains || all.cols() != per)
      throw std::runtime_error("gathered local energies of the wrong shape");
    all_e.assign(all.data(), all.data() + ns);
  }
  const Vector<T> moves_sum = over.sum(2, [&](int c) {
    Vector<T> row(2);
    row << T(double(counts[size_t(c)].proposed)), T(double(counts[size_t(c)].accepted));
    return row;
  });

  std::vector<double> re(static_cast<size_t>(ns));
  T mean(0);
  for (long k = 0; k < ns; ++k) {
    re[size_t(k)] = std::real(all_e[size_t(k)]);
    mean += all_e[size_t(k)];
  }
  mean /= double(ns);
  out.energy = chain_statistics(re, over.total_chains);
  out.energy_imag = std::imag(mean);
  double var = 0;
  for (const T& e : all_e) var += std::norm(e - mean);
  out.energy.variance = var / double(ns);
  const double proposed = std::real(moves_sum[0]), accepted = std::real(moves_sum[1]);
  out.acceptance = proposed > 0 ? accepted / proposed : 0.0;
  if (!std::isfinite(out.energy.mean) || !std::isfinite(out.energy.variance))
    throw std::runtime_error("the local energies are not finite: the optimisation diverged "
                             "(lower the learning rate or raise the diagonal shift)");
  return mean;
}

// Centres O in place and returns F = <O_c^* (E_loc - <E>)>.
template <class T>
Vector<T> force(const std::vector<T>& eloc, T mean, RowMatrix<T>& O, const ChainReduction<T>& over) {
  const long per = over.rows_per_chain, np = O.cols(), ns = over.samples();
  const Vector<T> Obar = over.sum(np, [&](int c) -> Vector<T> {
    return O.middleRows(long(c) * per, per).colwise().sum().transpose();
  }) / double(ns);
  autodiff::parallel_blocks(long(eloc.size()), double(np), over.threads, [&](long r0, long r1) {
    O.middleRows(r0, r1 - r0).rowwise() -= Obar.transpose();
  });
  Vector<T> e(long(eloc.size()));
  for (long k = 0; k < e.size(); ++k) e[k] = eloc[size_t(k)] - mean;
  return over.sum(np, [&](int c) -> Vector<T> {
    return O.middleRows(long(c) * per, per).adjoint() * e.segment(long(c) * per, per);
  }) / double(ns);
}

}  // namespace

template <class T>
void Estimator<T>::set_chain_gather(ChainGather<T> gather, int total_chains) {
  gather_ = std::move(gather);
  total_chains_ = total_chains;
}

template <class T>
ChainReduction<T> Estimator<T>::reduction(long rows, int chains, bool spread) const {
  return ChainReduction<T>{spread ? gather_ : here_, chains, spread ? total_chains_ : chains, rows / chains, threads_};
}

template <class T>
Estimate<T> Estimator<T>::estimate(const std::vector<T>& eloc, RowMatrix<T>& O, const std::vector<MoveCounts>& counts,
                                   const ChainReduction<T>& over) const {
  Estimate<T> out;
  const T mean = energy_statistics(eloc, counts, over, out);
  const Vector<T> F = force(eloc, mean, O, over);
  out.gradient = 2.0 * F;
  out.gradient_norm = out.gradient.norm();
  return out;
}

template class Estimator<double>;
template class Estimator<std::complex<double>>;

}  // namespace physml::vmc
