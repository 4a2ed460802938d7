#pragma once
// Maximum-likelihood training of a flow on data: Adam on the mean negative log-likelihood
// over seeded mini-batches. Shuffles and initial weights are addressed by the seed, and a
// batch's gradient is the ordered sum over fixed slices of it (one tape and thread each), so
// a trained flow does not depend on the thread count.
#include <cstdint>
#include <vector>

#include "autodiff/optimizers.hpp"
#include "flows/real_nvp.hpp"

namespace physml::flows {

struct FlowTraining {
  double lr = 1e-3;
  int batch_size = 256;
  uint64_t seed = 0;
  int threads = 1;
};

class FlowTrainer {
 public:
  // The flow's standardisation is fitted to X here (mean, standard deviation per column).
  FlowTrainer(FlowShape shape, Matrix X, FlowTraining settings);

  // One pass over the data; the mean training loss (NLL per sample) of its batches.
  double epoch();
  int epochs_done() const { return epochs_; }
  const RealNVP& flow() const { return flow_; }

 private:
  RealNVP flow_;
  Matrix U_;  // standardised data
  FlowTraining s_;
  autodiff::NetworkOptimizer<double> optimizer_;
  int epochs_ = 0;
};

// The standardisation of X: column means and standard deviations (1 where a column is flat).
void moments(const Matrix& X, Row& mean, Row& spread);

}  // namespace physml::flows
