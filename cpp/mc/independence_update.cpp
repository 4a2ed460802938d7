#include "mc/independence_update.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace physml {

namespace {

// Proposals are drawn this many at a time: batched draws are cheaper, and the buffer stays
// small on large lattices.
constexpr int64_t kBatch = 64;

// The seed of replica r's proposals: from the run's key, so --seed fixes them.
uint64_t proposal_seed(const Key& key, uint32_t replica) {
  return (uint64_t(key[1]) << 32 | key[0]) ^ splitmix64(stream_id(replica, Purpose::Proposal));
}

}  // namespace

IndependenceUpdate::IndependenceUpdate(std::shared_ptr<const GlobalProposal> proposal,
                                       std::unique_ptr<UpdateRule> companion)
    : proposal_(std::move(proposal)), companion_(std::move(companion)) {
  if (!proposal_) throw std::invalid_argument("--algorithm neural needs a proposal (--proposal)");
}

SweepReport IndependenceUpdate::sweeps(Replica& r, const SweepContext& ctx, int64_t n) const {
  SweepReport out;
  const int N = ctx.lattice.n_sites();
  const uint64_t seed = proposal_seed(ctx.key, r.id);
  const uint32_t accept_stream = stream_id(r.id, Purpose::Acceptance);
  std::vector<int8_t> proposed;
  double e_now = energy(ctx.lattice, ctx.model, r.spins.data());
  double lq_now = proposal_->log_q(r.beta, r.spins.data(), 1)[0];
  for (int64_t done = 0; done < n;) {
    const int64_t rows = std::min(kBatch, n - done);
    // Row k is the proposal of sweep r.sweeps + k: the same whatever the batches.
    proposal_->draw(r.beta, seed, r.sweeps, long(rows), proposed);
    const std::vector<double> lq = proposal_->log_q(r.beta, proposed.data(), long(rows));
    for (int64_t k = 0; k < rows; ++k) {
      const int8_t* s = proposed.data() + k * N;
      const double e = energy(ctx.lattice, ctx.model, s);
      const double log_ratio = -r.beta * (e - e_now) + lq_now - lq[size_t(k)];
      const Counter u = draw(ctx.key, 0, accept_stream, r.sweeps);
      ++out.proposals;
      if (log_ratio >= 0.0 || std::log(to_unit(u[0], u[1])) < log_ratio) {
        std::copy(s, s + N, r.spins.begin());
        e_now = e;
        lq_now = lq[size_t(k)];
        ++out.accepted;
      }
      if (companion_) {
        out += companion_->sweep(r, ctx);  // advances r.sweeps
        e_now = energy(ctx.lattice, ctx.model, r.spins.data());
        lq_now = proposal_->log_q(r.beta, r.spins.data(), 1)[0];
      } else {
        ++r.sweeps;
      }
    }
    done += rows;
  }
  return out;
}

}  // namespace physml
