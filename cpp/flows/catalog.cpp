// The coupling flows as a generative model of `physml train`, and their coupling layers.
#include "flows/real_nvp.hpp"
#include "registry/registry.hpp"

namespace physml::flows {

namespace {

const bool couplings = registry::add_values<Coupling>("flow_coupling", {
    {"affine", "RealNVP: u -> u o exp(s) + t of the kept coordinates", Coupling::Affine},
    {"additive", "NICE: u -> u + t of the kept coordinates (volume preserving)", Coupling::Additive},
    {"spline", "rational-quadratic splines, 8 bins on [-3, 3] (Durkan et al. 2019)", Coupling::Spline},
});

const bool model = [] {
  registry::Description d;
  d.concept = "generative_model";
  d.name = "flow";
  d.summary = "normalizing flow of real vectors (coupling layers), exact log-density and sampling";
  registry::Parameter layers{"layers", "int", "coupling layers (masks alternate)"};
  layers.min = 1;
  layers.max = 256;
  registry::Parameter width{"hidden", "int", "units of each hidden layer of a conditioner"};
  width.min = 1;
  width.max = 4096;
  registry::Parameter lr{"lr", "float", "Adam learning rate"};
  lr.min = 0;
  lr.min_inclusive = false;
  d.parameters = {layers, width, lr};
  d.capabilities = {{"exact_sampling", true}, {"exact_likelihood", true}, {"continuous", true}};
  registry::detail::add_description(d);
  return true;
}();

}  // namespace

Coupling parse_coupling(const std::string& name) {
  return registry::Registry<Coupling>::instance().get(name, "--coupling");
}

}  // namespace physml::flows
