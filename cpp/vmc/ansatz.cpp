#include "vmc/ansatz.hpp"

#include <cmath>
#include <stdexcept>

#include "rng/philox.hpp"
#include "vmc/ffn_ansatz.hpp"
#include "vmc/jastrow.hpp"
#include "vmc/made_ansatz.hpp"
#include "vmc/parity.hpp"
#include "vmc/rbm_ansatz.hpp"
#include "vmc/rbm_symm.hpp"

namespace physml::vmc {

namespace {

constexpr uint32_t kInitStream = 0x1D17u;

double normal(const Key& key, long k, int part) {
  const Counter c = draw(key, uint32_t(k), kInitStream + uint32_t(part), uint64_t(k) >> 32);
  const double u1 = 1.0 - to_unit(c[0], c[1]), u2 = to_unit(c[2], c[3]);  // u1 in (0, 1]
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

template <class T>
T draw_parameter(const Key& key, long k, double scale);

template <>
double draw_parameter<double>(const Key& key, long k, double scale) {
  return scale * normal(key, k, 0);
}

template <>
std::complex<double> draw_parameter<std::complex<double>>(const Key& key, long k, double scale) {
  return {scale * normal(key, k, 0), scale * normal(key, k, 1)};
}

}  // namespace

template <class T>
Vector<T> random_parameters(long n, double scale, uint64_t seed) {
  const Key key = make_key(seed);
  Vector<T> p(n);
  for (long k = 0; k < n; ++k) p[k] = draw_parameter<T>(key, k, scale);
  return p;
}

namespace {

using registry::Description;

Description ansatz(const std::string& name, const std::string& summary, std::vector<registry::Parameter> params,
                   bool complex_parameters, bool symmetric = false, bool exact_samples = false) {
  Description d;
  d.concept = "ansatz";
  d.name = name;
  d.summary = summary;
  d.parameters = std::move(params);
  d.capabilities = {{"complex_parameters", complex_parameters}, {"symmetric", symmetric},
                    {"exact_samples", exact_samples}};
  return d;
}

template <class T>
std::unique_ptr<Ansatz<T>> rbm(const AnsatzSpec& spec, int n_sites) {
  const long hidden = std::lround(spec.alpha * n_sites);
  if (!(spec.alpha > 0) || hidden < 1) throw std::invalid_argument("--alpha must give at least one hidden unit");
  return std::make_unique<RbmAnsatz<T>>(n_sites, int(hidden));
}

template <class T>
std::unique_ptr<Ansatz<T>> rbmsymm(const AnsatzSpec& spec, int n_sites) {
  const long features = std::lround(spec.alpha);
  if (!(spec.alpha >= 1) || double(features) != spec.alpha)
    throw std::invalid_argument("--alpha counts the feature maps of rbmsymm: a whole number >= 1");
  if (!spec.group) throw std::invalid_argument("rbmsymm needs the lattice's symmetry group");
  return std::make_unique<RbmSymmAnsatz<T>>(n_sites, int(features), spec.group());
}

template <class T>
std::unique_ptr<Ansatz<T>> jastrow(const AnsatzSpec&, int n_sites) {
  return std::make_unique<JastrowAnsatz<T>>(n_sites);
}

std::unique_ptr<Ansatz<double>> ffn(const AnsatzSpec& spec, int n_sites) {
  const int width = spec.width > 0 ? spec.width : n_sites;
  if (spec.height * width != n_sites) throw std::invalid_argument("the network input does not match the lattice");
  // the autodiff initialisation (Xavier/He) replaces init_scale
  return std::make_unique<FfnAnsatz>(spec.architecture, autodiff::InputShape{spec.height, width, 1}, spec.seed);
}

std::unique_ptr<Ansatz<double>> ffnsymm(const AnsatzSpec& spec, int n_sites) {
  if (!spec.group) throw std::invalid_argument("ffnsymm needs the lattice's symmetry group");
  const int width = spec.width > 0 ? spec.width : n_sites;
  if (spec.height * width != n_sites) throw std::invalid_argument("the network input does not match the lattice");
  return std::make_unique<FfnAnsatz>(spec.architecture, autodiff::InputShape{spec.height, width, 1}, spec.seed,
                                     spec.group());
}

std::unique_ptr<Ansatz<double>> made(const AnsatzSpec& spec, int n_sites) {
  const long width = std::lround(spec.alpha);
  if (!(spec.alpha >= 1) || double(width) != spec.alpha)
    throw std::invalid_argument("--alpha is the made network's hidden units per site: a whole number >= 1");
  return std::make_unique<MadeAnsatz>(n_sites, spec.depth, int(width), spec.seed, spec.n_up);
}

const registry::Parameter kInitScale{"init_scale", "float", "standard deviation of the initial parameters", 0,
                                     registry::Parameter{}.max, false};

const bool registered = [] {
  auto& r = AnsatzRegistry::instance();
  r.add(ansatz("rbm", "restricted Boltzmann machine, alpha N hidden units (Carleo-Troyer)",
               {{"alpha", "float", "hidden units per site", 0, registry::Parameter{}.max, false}, kInitScale}, true),
        {rbm<double>, rbm<std::complex<double>>, false});
  r.add(ansatz("rbmsymm", "RBM invariant under a lattice symmetry group (--symmetries): alpha filters "
                          "applied at every group element, alpha |G| hidden units with tied weights",
               {{"alpha", "float", "feature maps (a whole number)", 1, registry::Parameter{}.max, true}, kInitScale},
               true, true),
        {rbmsymm<double>, rbmsymm<std::complex<double>>, false});
  r.add(ansatz("jastrow", "two-body Jastrow factor exp(sum_ij W_ij s_i s_j)", {kInitScale}, true),
        {jastrow<double>, jastrow<std::complex<double>>, false});
  r.add(ansatz("ffn", "feed-forward network on the autodiff engine; log psi = sum of outputs",
               {{"architecture", "str", "autodiff layer string"}}, false),
        {ffn, nullptr, true});
  r.add(ansatz("ffnsymm", "feed-forward network averaged over a lattice symmetry group (--symmetries): "
                          "log psi = mean over g of the outputs for g s (a group-convolutional network)",
               {{"architecture", "str", "autodiff layer string"}}, false, true),
        {ffnsymm, nullptr, true});
  r.add(ansatz("made", "autoregressive network (MADE): psi = sqrt(q), q normalised and sampled exactly "
                       "(--sampler direct); restricted to the S^z sector where the Hamiltonian conserves it",
               {{"alpha", "float", "hidden units per site (a whole number)", 1, registry::Parameter{}.max, true},
                {"depth", "int", "masked layers", 1, 16, true}},
               false, false, true),
        {made, nullptr, true});
  return true;
}();

}  // namespace

template <class T>
std::unique_ptr<Ansatz<T>> make_ansatz(const AnsatzSpec& spec, int n_sites) {
  if (n_sites < 2) throw std::invalid_argument("a wave function needs at least 2 sites");
  const AnsatzFactory& f = AnsatzRegistry::instance().get(spec.kind, "ansatz");
  std::unique_ptr<Ansatz<T>> out;
  if constexpr (std::is_same_v<T, double>) {
    out = f.real(spec, n_sites);
  } else {
    if (!f.complex) throw std::invalid_argument("the " + spec.kind + " ansatz has real parameters only");
    out = f.complex(spec, n_sites);
  }
  if (!f.initializes_itself) out->set_parameters(random_parameters<T>(out->n_params(), spec.init_scale, spec.seed));
  if (spec.parity != 0) out = std::make_unique<ParityProjected<T>>(std::move(out), spec.parity);
  return out;
}

template Vector<double> random_parameters<double>(long, double, uint64_t);
template Vector<std::complex<double>> random_parameters<std::complex<double>>(long, double, uint64_t);
template std::unique_ptr<Ansatz<double>> make_ansatz<double>(const AnsatzSpec&, int);
template std::unique_ptr<Ansatz<std::complex<double>>> make_ansatz<std::complex<double>>(const AnsatzSpec&, int);

}  // namespace physml::vmc
