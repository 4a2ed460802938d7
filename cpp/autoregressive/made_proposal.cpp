#include "autoregressive/made_proposal.hpp"

#include <cmath>
#include <stdexcept>

namespace physml::autoregressive {

MadeProposal::MadeProposal(std::vector<double> betas, std::vector<Made> nets, bool z2)
    : betas_(std::move(betas)), nets_(std::move(nets)), z2_(z2) {
  if (nets_.empty()) throw std::invalid_argument("a proposal needs at least one network");
  if (betas_.size() != nets_.size()) throw std::invalid_argument("one beta per network is needed");
  for (double b : betas_)
    if (!(b > 0) || !std::isfinite(b)) throw std::invalid_argument("training betas must be finite and > 0");
  for (const Made& net : nets_)
    if (net.n_sites() != nets_.front().n_sites())
      throw std::invalid_argument("the networks of a proposal must have the same sites");
}

size_t MadeProposal::nearest(double beta) const {
  size_t best = 0;
  for (size_t k = 1; k < betas_.size(); ++k)
    if (std::abs(betas_[k] - beta) < std::abs(betas_[best] - beta)) best = k;
  return best;
}

void MadeProposal::draw(double beta, uint64_t seed, uint64_t first, long rows,
                        std::vector<int8_t>& spins) const {
  const Made& net = nets_[nearest(beta)];
  const long n = net.n_sites();
  spins.resize(size_t(rows * n));
  Matrix<double> s;
  Eigen::VectorXd unused;
  // Row `first + k` is stream (low 32 bits, step = high 32 bits); a batch never straddles a
  // change of the high bits.
  for (long k = 0; k < rows;) {
    const uint64_t g = first + uint64_t(k);
    const long chunk = long(std::min<uint64_t>(uint64_t(rows - k), (uint64_t(1) << 32) - (g & 0xFFFFFFFFull)));
    const uint64_t step = g >> 32;
    net.sample(chunk, seed, step, 1, s, unused, uint32_t(g));
    for (long r = 0; r < chunk; ++r) {
      const double sign = z2_ && net.mixture_flip(seed, step, uint32_t(g + uint64_t(r))) ? -1.0 : 1.0;
      for (long i = 0; i < n; ++i) spins[size_t((k + r) * n + i)] = int8_t(sign * s(r, i));
    }
    k += chunk;
  }
}

std::vector<double> MadeProposal::log_q(double beta, const int8_t* spins, long rows) const {
  const Made& net = nets_[nearest(beta)];
  const long n = net.n_sites();
  std::vector<double> out(static_cast<size_t>(rows));
  // One row at a time: a batched product may round differently from a single row's, and a
  // configuration's log q must not depend on the batch it came in (global_proposal.hpp).
  Matrix<double> s(1, n);
  for (long r = 0; r < rows; ++r) {
    for (long i = 0; i < n; ++i) s(0, i) = double(spins[r * n + i]);
    out[size_t(r)] = z2_ ? net.mixture_log_prob(s, 1)[0] : net.log_prob(s, 1)[0];
  }
  return out;
}

}  // namespace physml::autoregressive
