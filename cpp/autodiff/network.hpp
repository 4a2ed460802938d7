#pragma once
// A feed-forward network described by an architecture string such as
// "conv:8:3,relu,dense:100,sigmoid,dense:2" (layers separated by commas):
//   dense:N        fully connected layer with N outputs
//   conv:C:K       periodic K x K convolution to C channels on the input lattice
//   dropout:P      inverted dropout with rate P (training only)
//   relu | tanh | sigmoid | softplus | logcosh | identity   activation
// The string is what a model file stores, so a network is rebuilt from it exactly.
#include <cstdint>
#include <string>
#include <vector>

#include "autodiff/ops.hpp"

namespace physml::autodiff {

struct Layer {
  enum class Kind { Dense, Conv, Activation, Dropout } kind = Kind::Dense;
  int units = 0;    // dense outputs or conv channels
  int kernel = 0;   // conv kernel size
  Activation activation = Activation::Identity;
  double rate = 0;  // dropout
};

std::vector<Layer> parse_architecture(const std::string& text);

enum class Init { Auto, Xavier, He };
Init parse_init(const std::string& name);

// Input geometry: each sample is a height x width lattice with `channels` values per site
// (plain feature vectors are a 1 x p lattice).
struct InputShape {
  int height = 1, width = 1, channels = 1;
  long features() const { return long(height) * width * channels; }
};

template <class S>
class Network {
 public:
  Network(const std::string& architecture, InputShape input);

  // Xavier (Glorot) uniform or He normal weights, zero biases; Auto picks He before relu.
  void initialize(Init scheme, uint64_t seed);

  // Output of the network for the batch x; `params` are this tape's Vars of parameters().
  Var forward(Tape<S>& t, Var x, const std::vector<Var>& params, bool training,
              uint64_t dropout_seed, uint64_t step) const;

  std::vector<Parameter<S>>& parameters() { return params_; }
  const std::vector<Parameter<S>>& parameters() const { return params_; }
  long outputs() const { return outputs_; }
  const InputShape& input() const { return input_; }

 private:
  std::vector<Layer> layers_;
  std::vector<Parameter<S>> params_;  // (weights, bias) per dense or conv layer, in order
  InputShape input_;
  long outputs_ = 0;
};

}  // namespace physml::autodiff
