#pragma once
// Maximum-likelihood training of a Born machine by the two-site sweeping algorithm of Han et
// al.: the bond tensor of sites (k, k+1) is merged, moved down the gradient of the negative
// log-likelihood with everything else fixed, and split again by a truncated SVD, which is
// where the bond dimension grows (up to max_bond) or shrinks. The sites outside the bond
// are kept in canonical form, so Z is the bond tensor's squared norm and each step costs
// O(samples * D^2), with the left and right partial products of every sample cached.
#include <vector>

#include "born/born_machine.hpp"
#include "tensor/truncation.hpp"

namespace physml::born {

struct TrainingSettings {
  tensor::Truncation truncation{16, 1e-7};
  double learning_rate = 0.05;  // first step length tried on each bond
  int descent_steps = 2;        // gradient steps on each bond per visit
};

// One sweep: left to right and back.
struct SweepReport {
  double nll = 0;                 // mean -ln p over the training data, after the sweep
  double discarded_weight = 0;    // largest over the sweep's cuts
  int largest_bond = 0;
  int rejected_steps = 0;         // step lengths halved by the line search
};

class Trainer {
 public:
  // Brings the machine to right-canonical form; throws std::invalid_argument when data does
  // not fit it or is empty.
  Trainer(BornMachine machine, Configurations data, int threads);

  SweepReport sweep(const TrainingSettings& settings);
  const BornMachine& machine() const { return machine_; }

 private:
  struct Bond;
  void optimize_bond(int k, bool moving_right, const TrainingSettings& s, SweepReport& report);
  void update_left(int k);   // left_[k + 1] from left_[k] and site k
  void update_right(int k);  // right_[k] from right_[k + 1] and site k

  BornMachine machine_;
  Configurations data_;
  int threads_;
  // left_[k].row(i): A_0^{v_0} ... A_{k-1}^{v_{k-1}} of sample i; right_[k].row(i): the
  // product of sites k..N-1, as a row. left_[0] and right_[N] are ones.
  std::vector<Eigen::MatrixXd> left_, right_;
};

}  // namespace physml::born
