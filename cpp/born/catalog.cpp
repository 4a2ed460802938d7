// The MPS Born machine as a generative model of `physml train`, with the ranges of its
// settings (help texts and validation read them from here).
#include "registry/registry.hpp"

namespace physml::born {

namespace {

const bool registered = [] {
  registry::Description d;
  d.concept = "generative_model";
  d.name = "mps";
  d.summary = "matrix product state Born machine, p(v) = |psi(v)|^2 / Z, trained by two-site sweeps";
  registry::Parameter chi{"bond_dim", "int", "largest bond dimension of the MPS"};
  chi.min = 1;
  registry::Parameter cutoff{"cutoff", "float", "singular values below cutoff times their norm are dropped"};
  cutoff.min = 0;
  cutoff.max = 1;
  registry::Parameter lr{"lr", "float", "first gradient step length tried on each bond"};
  lr.min = 0;
  lr.min_inclusive = false;
  registry::Parameter steps{"descent_steps", "int", "gradient steps on each bond per visit"};
  steps.min = 1;
  d.parameters = {chi, cutoff, lr, steps};
  d.capabilities = {{"exact_sampling", true}, {"exact_likelihood", true}};
  registry::detail::add_description(d);
  return true;
}();

}  // namespace

}  // namespace physml::born
