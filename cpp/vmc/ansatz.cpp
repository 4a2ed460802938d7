#include "vmc/ansatz.hpp"

#include <cmath>
#include <stdexcept>

#include "rng/philox.hpp"
#include "vmc/ffn_ansatz.hpp"
#include "vmc/jastrow.hpp"
#include "vmc/rbm_ansatz.hpp"

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

template <class T>
std::unique_ptr<Ansatz<T>> make_ansatz(const AnsatzSpec& spec, int n_sites) {
  if (n_sites < 2) throw std::invalid_argument("a wave function needs at least 2 sites");
  std::unique_ptr<Ansatz<T>> out;
  if (spec.kind == "rbm") {
    const long hidden = std::lround(spec.alpha * n_sites);
    if (!(spec.alpha > 0) || hidden < 1) throw std::invalid_argument("--alpha must give at least one hidden unit");
    out = std::make_unique<RbmAnsatz<T>>(n_sites, int(hidden));
  } else if (spec.kind == "jastrow") {
    out = std::make_unique<JastrowAnsatz<T>>(n_sites);
  } else if (spec.kind == "ffn") {
    if constexpr (std::is_same_v<T, double>) {
      const int width = spec.width > 0 ? spec.width : n_sites;
      if (spec.height * width != n_sites) throw std::invalid_argument("the network input does not match the lattice");
      auto net = std::make_unique<FfnAnsatz>(spec.architecture, autodiff::InputShape{spec.height, width, 1},
                                             spec.seed);
      return net;  // the autodiff initialisation (Xavier/He) replaces init_scale
    } else {
      throw std::invalid_argument("the feed-forward ansatz has real parameters only");
    }
  } else {
    throw std::invalid_argument("unknown ansatz '" + spec.kind + "' (choose rbm, jastrow, ffn)");
  }
  out->set_parameters(random_parameters<T>(out->n_params(), spec.init_scale, spec.seed));
  return out;
}

template Vector<double> random_parameters<double>(long, double, uint64_t);
template Vector<std::complex<double>> random_parameters<std::complex<double>>(long, double, uint64_t);
template std::unique_ptr<Ansatz<double>> make_ansatz<double>(const AnsatzSpec&, int);
template std::unique_ptr<Ansatz<std::complex<double>>> make_ansatz<std::complex<double>>(const AnsatzSpec&, int);

}  // namespace physml::vmc
