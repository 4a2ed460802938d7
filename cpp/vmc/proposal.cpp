#include "vmc/proposal.hpp"

#include "vmc/exchange.hpp"
#include "vmc/local_flip.hpp"

namespace physml::vmc {

namespace {

registry::Description proposal(const std::string& name, const std::string& summary, bool conserves_sz) {
  registry::Description d;
  d.concept = "vmc_proposal";
  d.name = name;
  d.summary = summary;
  d.capabilities = {{"conserves_sz", conserves_sz}};
  return d;
}

// Both in one place so that they are listed in this order whatever the link order.
const bool registered = [] {
  auto& r = ProposalRegistry::instance();
  r.add(proposal("local", "flip one spin", false),
        [](const SpinHamiltonian&) { return std::make_unique<LocalFlip>(); });
  r.add(proposal("exchange", "swap the spins of a coupled antiparallel pair", true),
        [](const SpinHamiltonian& h) { return std::make_unique<Exchange>(h); });
  return true;
}();

}  // namespace

const ProposalFactory& parse_proposal(const std::string& name) {
  return ProposalRegistry::instance().get(name, "sampler");
}

}  // namespace physml::vmc
