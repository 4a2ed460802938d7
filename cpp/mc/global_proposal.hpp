#pragma once
// A distribution over whole configurations that can be sampled exactly and evaluated
// exactly: what an independence Metropolis-Hastings update proposes from
// (mc/independence_update.hpp). A trained autoregressive network is one
// (autoregressive/made_proposal.hpp); the proposal may depend on the chain's beta (one
// network per training temperature). Configurations are int8 rows in site order.
#include <cstdint>
#include <string>
#include <vector>

namespace physml {

class GlobalProposal {
 public:
  virtual ~GlobalProposal() = default;
  virtual int n_sites() const = 0;
  // Spin values the proposal knows (the model's must match): 2 for Ising +-1.
  virtual int n_states() const = 0;
  // `rows` configurations for a chain at `beta`, row k from the random stream (seed,
  // first + k): the same row whatever the batch it is drawn in.
  virtual void draw(double beta, uint64_t seed, uint64_t first, long rows,
                    std::vector<int8_t>& spins) const = 0;
  // log q(s) of each row. A value depends on the configuration alone (never on the batch
  // or on how the row was drawn), so that a chain continued from a checkpoint repeats the
  // uninterrupted one exactly.
  virtual std::vector<double> log_q(double beta, const int8_t* spins, long rows) const = 0;
};

}  // namespace physml
