#include "autodiff/network.hpp"

#include <cmath>
#include <sstream>

#include "rng/philox.hpp"

namespace physml::autodiff {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, sep)) out.push_back(item);
  return out;
}

int positive_int(const std::string& token, const std::string& text) {
  size_t used = 0;
  int v = 0;
  try {
    v = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || v < 1)
    throw std::invalid_argument("architecture: '" + token + "' needs a positive integer");
  return v;
}

}  // namespace

std::vector<Layer> parse_architecture(const std::string& text) {
  std::vector<Layer> layers;
  for (const std::string& token : split(text, ',')) {
    const auto f = split(token, ':');
    Layer l;
    if (f.empty()) throw std::invalid_argument("architecture: empty layer in '" + text + "'");
    if (f[0] == "dense" && f.size() == 2) {
      l.kind = Layer::Kind::Dense;
      l.units = positive_int(token, f[1]);
    } else if (f[0] == "conv" && f.size() == 3) {
      l.kind = Layer::Kind::Conv;
      l.units = positive_int(token, f[1]);
      l.kernel = positive_int(token, f[2]);
      if (l.kernel % 2 == 0) throw std::invalid_argument("architecture: conv kernel size must be odd");
    } else if (f[0] == "dropout" && f.size() == 2) {
      l.kind = Layer::Kind::Dropout;
      char* end = nullptr;
      l.rate = std::strtod(f[1].c_str(), &end);
      if (end == f[1].c_str() || *end != '\0' || !(l.rate >= 0 && l.rate < 1))
        throw std::invalid_argument("architecture: dropout rate must lie in [0, 1)");
    } else if (f.size() == 1) {
      l.kind = Layer::Kind::Activation;
      l.activation = parse_activation(f[0]);
    } else {
      throw std::invalid_argument("architecture: cannot read layer '" + token +
                                  "' (dense:N, conv:C:K, dropout:P or an activation)");
    }
    layers.push_back(l);
  }
  bool weighted = false;
  for (const Layer& l : layers) weighted |= l.kind == Layer::Kind::Dense || l.kind == Layer::Kind::Conv;
  if (!weighted) throw std::invalid_argument("architecture: no dense or conv layer");
  return layers;
}

template <class S>
Network<S>::Network(const std::string& architecture, InputShape input)
    : layers_(parse_architecture(architecture)), input_(input) {
  if (input.height < 1 || input.width < 1 || input.channels < 1)
    throw std::invalid_argument("network input shape must be positive");
  const long sites = long(input.height) * input.width;
  long f = input.features();
  for (const Layer& l : layers_) {
    if (l.kind == Layer::Kind::Dense) {
      params_.push_back({Matrix<S>::Zero(f, l.units), {}, false});
      params_.push_back({Matrix<S>::Zero(1, l.units), {}, true});
      f = l.units;
    } else if (l.kind == Layer::Kind::Conv) {
      if (f % sites != 0)
        throw std::invalid_argument("architecture: a conv layer needs lattice-shaped input (" +
                                    std::to_string(f) + " values on " + std::to_string(sites) +
                                    " sites)");
      const long cin = f / sites;
      params_.push_back({Matrix<S>::Zero(long(l.kernel) * l.kernel * cin, l.units), {}, false});
      params_.push_back({Matrix<S>::Zero(1, l.units), {}, true});
      f = sites * l.units;
    }
  }
  outputs_ = f;
}

template <class S>
void Network<S>::initialize(Init scheme, uint64_t seed) {
  const Key key = make_key(seed ^ 0x1217A11Eull);
  size_t p = 0;
  uint32_t layer = 0;
  for (size_t i = 0; i < layers_.size(); ++i) {
    const Layer& l = layers_[i];
    if (l.kind != Layer::Kind::Dense && l.kind != Layer::Kind::Conv) continue;
    Matrix<S>& W = params_[p].value;
    const double taps = l.kind == Layer::Kind::Conv ? double(l.kernel) * l.kernel : 1.0;
    const double fan_in = double(W.rows()), fan_out = double(W.cols()) * taps;
    bool relu_next = false;
    for (size_t j = i + 1; j < layers_.size(); ++j) {
      if (layers_[j].kind == Layer::Kind::Dropout) continue;
      relu_next = layers_[j].kind == Layer::Kind::Activation && layers_[j].activation == Activation::Relu;
      break;
    }
    const bool he = scheme == Init::He || (scheme == Init::Auto && relu_next);
    for (long k = 0; k < W.size(); ++k) {
      const Counter c = draw(key, uint32_t(k), layer, 0);
      const double u1 = to_unit(c[0], c[1]), u2 = to_unit(c[2], c[3]);
      if (he)  // Box-Muller normal with variance 2 / fan_in
        W.data()[k] = S(std::sqrt(2.0 / fan_in) * std::sqrt(-2.0 * std::log1p(-u1)) *
                        std::cos(6.283185307179586 * u2));
      else
        W.data()[k] = S(std::sqrt(6.0 / (fan_in + fan_out)) * (2.0 * u1 - 1.0));
    }
    params_[p + 1].value.setZero();
    p += 2;
    ++layer;
  }
}

template <class S>
Var Network<S>::forward(Tape<S>& t, Var x, const std::vector<Var>& params, bool training,
                        uint64_t dropout_seed, uint64_t step) const {
  if (params.size() != params_.size()) throw std::logic_error("parameter Vars do not match the network");
  size_t p = 0;
  for (size_t i = 0; i < layers_.size(); ++i) {
    const Layer& l = layers_[i];
    switch (l.kind) {
      case Layer::Kind::Dense:
        x = add_bias(t, matmul(t, x, params[p]), params[p + 1]);
        p += 2;
        break;
      case Layer::Kind::Conv:
        x = conv2d_periodic(t, x, params[p], params[p + 1], input_.height, input_.width, l.kernel);
        p += 2;
        break;
      case Layer::Kind::Activation:
        x = activate(t, x, l.activation);
        break;
      case Layer::Kind::Dropout:
        if (training) x = dropout(t, x, l.rate, dropout_seed + 0x9E3779B97F4A7C15ull * i, step);
        break;
    }
  }
  return x;
}

template class Network<float>;
template class Network<double>;

}  // namespace physml::autodiff
