#pragma once
// The energy and its gradient from one iteration's samples: statistics of the local energies
// E_loc(s), and the force F = <O_c^* (E_loc - <E>)> from the log-derivatives
// O(s) = d log psi(s) / d p, centred (O_c = O - <O>). For runs whose chains are spread over
// processes every sum runs over all chains of the run, from per-chain rows gathered in chain
// order; samples never travel, and the result is the one-process run's, bit for bit.
#include <vector>

#include "vmc/ansatz.hpp"
#include "vmc/chain_gather.hpp"
#include "vmc/chain_statistics.hpp"
#include "vmc/for_each_chain.hpp"
#include "vmc/sampler.hpp"

namespace physml::vmc {

// How one iteration's sums over samples run: chain by chain over the `chains` chains held
// here (rows_per_chain samples each), then over every chain of the run in chain order.
template <class T>
struct ChainReduction {
  const ChainGather<T>& gather;  // unset: every chain is here
  int chains = 0, total_chains = 0;
  long rows_per_chain = 0;
  int threads = 1;

  bool spread() const { return bool(gather); }
  long samples() const { return long(total_chains) * rows_per_chain; }
  // The sum over all chains of row(c), a `width`-vector from chain c (chains in parallel).
  template <class F>
  Vector<T> sum(long width, F&& row) const {
    RowMatrix<T> rows(chains, width);
    for_each_chain(chains, threads, [&](int c) { rows.row(c) = row(c); });
    return sum_over_chains<T>(rows, gather);
  }
};

template <class T>
struct Estimate {
  ChainStatistics energy;
  double energy_imag = 0, acceptance = 0;
  // g = 2 F (2 Re F = 2 F for real parameters): NetKet's convention, so that a learning
  // rate means the same in both.
  Vector<T> gradient;
  double gradient_norm = 0;
};

template <class T>
class Estimator {
 public:
  explicit Estimator(int threads) : threads_(threads) {}

  // Spread runs: `gather` collects per-chain rows from all `total_chains` chains.
  void set_chain_gather(ChainGather<T> gather, int total_chains);
  bool spread() const { return bool(gather_); }

  // For `rows` samples of `chains` chains held here: alone, or (spread) as this process's
  // share of the run.
  ChainReduction<T> reduction(long rows, int chains, bool spread) const;

  // eloc and O: one entry and one row per sample, chain after chain. O is centred in place,
  // for the preconditioner to reuse without a copy.
  Estimate<T> estimate(const std::vector<T>& eloc, RowMatrix<T>& O, const std::vector<MoveCounts>& counts,
                       const ChainReduction<T>& over) const;

 private:
  int threads_;
  ChainGather<T> gather_, here_;  // here_ stays unset
  int total_chains_ = 0;
};

}  // namespace physml::vmc
