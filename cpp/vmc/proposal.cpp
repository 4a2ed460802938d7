#include "vmc/proposal.hpp"

#include <stdexcept>

#include "vmc/exchange.hpp"
#include "vmc/local_flip.hpp"

namespace physml::vmc {

namespace {

// Not a Markov chain: each sweep is a fresh exact sample of |psi|^2 from an autoregressive
// wave function, so samples are independent, nothing needs discarding and every "move" is
// accepted.
class DirectSample final : public Proposal {
 public:
  std::optional<Flip> propose(const Config&, Xoshiro256&) const override { return std::nullopt; }
  bool conserves_sz() const override { return false; }
  bool samples_exactly() const override { return true; }
  void sweep(Walker<double>& w, int, Xoshiro256& rng, MoveCounts& counts) const override { draw(w, rng, counts); }
  void sweep(Walker<std::complex<double>>& w, int, Xoshiro256& rng, MoveCounts& counts) const override {
    draw(w, rng, counts);
  }

 private:
  template <class T>
  static void draw(Walker<T>& w, Xoshiro256& rng, MoveCounts& counts) {
    if (!w.sample_exact(rng))
      throw std::invalid_argument("--sampler direct needs an autoregressive ansatz (made), without --parity");
    ++counts.proposed;
    ++counts.accepted;
  }
};

registry::Description proposal(const std::string& name, const std::string& summary, bool conserves_sz,
                               bool samples_exactly = false) {
  registry::Description d;
  d.concept = "vmc_proposal";
  d.name = name;
  d.summary = summary;
  d.capabilities = {{"conserves_sz", conserves_sz}, {"samples_exactly", samples_exactly}};
  return d;
}

// Both in one place so that they are listed in this order whatever the link order.
const bool registered = [] {
  auto& r = ProposalRegistry::instance();
  r.add(proposal("local", "flip one spin", false),
        [](const SpinHamiltonian&) { return std::make_unique<LocalFlip>(); });
  r.add(proposal("exchange", "swap the spins of a coupled antiparallel pair", true),
        [](const SpinHamiltonian& h) { return std::make_unique<Exchange>(h); });
  r.add(proposal("direct", "a fresh exact sample of an autoregressive wave function (made) every sweep", false, true),
        [](const SpinHamiltonian&) { return std::make_unique<DirectSample>(); });
  return true;
}();

}  // namespace

const ProposalFactory& parse_proposal(const std::string& name) {
  return ProposalRegistry::instance().get(name, "sampler");
}

}  // namespace physml::vmc
