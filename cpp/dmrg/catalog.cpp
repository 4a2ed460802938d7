// DMRG as a ground-state method of `physml exact`, with the ranges of its settings; the
// eigensolver concept is shared with Lanczos (ed/exact.cpp), so --method lists both.
#include "registry/registry.hpp"

namespace physml::dmrg {

namespace {

const bool registered = [] {
  registry::Description d;
  d.concept = "eigensolver";
  d.name = "dmrg";
  d.summary = "two-site DMRG: matrix product state ground states of chains and thin strips";
  registry::Parameter chi{"bond_dim", "int", "largest bond dimension of the MPS"};
  chi.min = 1;
  registry::Parameter sweeps{"sweeps", "int", "sweeps, left to right and back"};
  sweeps.min = 1;
  registry::Parameter cutoff{"cutoff", "float", "Schmidt values below cutoff times their norm are dropped"};
  cutoff.min = 0;
  cutoff.max = 1;
  registry::Parameter mixer{"mixer", "float", "amplitude of the density-matrix perturbation"};
  mixer.min = 0;
  d.parameters = {chi, sweeps, cutoff, mixer};
  d.capabilities = {{"matrix_product_state", true}, {"symmetry_sectors", false}};
  registry::detail::add_description(d);
  return true;
}();

}  // namespace

}  // namespace physml::dmrg
