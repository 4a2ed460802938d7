#pragma once
// Statistics of a quantity sampled by several Markov chains, stored chain after chain
// (chain c holds samples [c n, (c + 1) n)).
#include <vector>

namespace physml::vmc {

struct ChainStatistics {
  double mean = 0;
  double error = 0;     // standard error from block means (chains, or parts of chains)
  double variance = 0;  // of the samples
  double rhat = 1;      // split-R-hat (Gelman et al. 2013); NaN when chains are too short
};

ChainStatistics chain_statistics(const std::vector<double>& x, int chains);

}  // namespace physml::vmc
