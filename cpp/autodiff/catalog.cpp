// The names the autodiff engine answers to: optimizers, activations, losses and weight
// initialisations, registered here (cpp/registry/) so that the CLI's choices, help and
// errors read them; older spellings still found in saved architecture strings are mapped
// first.
#include "autodiff/network.hpp"
#include "autodiff/ops.hpp"
#include "autodiff/optimizers.hpp"
#include "autodiff/training.hpp"
#include "registry/registry.hpp"

namespace physml::autodiff {

using registry::add_values;
using registry::Registry;

static const bool optimizers = add_values<OptimizerKind>("optimizer", {
    {"sgd", "plain gradient descent", OptimizerKind::Sgd},
    {"momentum", "heavy-ball momentum (--momentum)", OptimizerKind::Momentum},
    {"nesterov", "Nesterov momentum", OptimizerKind::Nesterov},
    {"adam", "Adam (Kingma and Ba)", OptimizerKind::Adam},
    {"adamw", "Adam with decoupled weight decay", OptimizerKind::AdamW},
});

static const bool activations = add_values<Activation>("activation", {
    {"relu", "max(0, x)", Activation::Relu},
    {"tanh", "tanh x", Activation::Tanh},
    {"sigmoid", "1 / (1 + e^-x)", Activation::Sigmoid},
    {"softplus", "log(1 + e^x)", Activation::Softplus},
    {"logcosh", "log cosh x (the RBM's sum over a hidden unit)", Activation::LogCosh},
    {"identity", "x (a linear layer)", Activation::Identity},
});

static const bool losses = add_values<Loss>("loss", {
    {"cross-entropy", "softmax cross entropy over the classes", Loss::SoftmaxCrossEntropy},
    {"bce", "binary cross entropy of one logit (two classes)", Loss::BinaryCrossEntropy},
    {"mse", "mean squared error (regression)", Loss::MeanSquaredError},
});

static const bool initialisations = add_values<Init>("weight_init", {
    {"auto", "He before a relu, Xavier otherwise", Init::Auto},
    {"xavier", "Glorot: variance 2 / (fan-in + fan-out)", Init::Xavier},
    {"he", "Kaiming: variance 2 / fan-in", Init::He},
});

OptimizerKind parse_optimizer(const std::string& name) {
  return Registry<OptimizerKind>::instance().get(name, "optimizer");
}

Activation parse_activation(const std::string& name) {
  if (name == "linear") return Activation::Identity;
  if (name == "log-cosh") return Activation::LogCosh;
  return Registry<Activation>::instance().get(name, "activation");
}

const char* activation_name(Activation a) {
  return Registry<Activation>::instance().name_of(a).c_str();
}

Loss parse_loss(const std::string& name) {
  if (name == "softmax-ce" || name == "ce") return Loss::SoftmaxCrossEntropy;
  if (name == "binary-cross-entropy") return Loss::BinaryCrossEntropy;
  return Registry<Loss>::instance().get(name, "loss");
}

Init parse_init(const std::string& name) {
  if (name == "glorot") return Init::Xavier;
  if (name == "kaiming") return Init::He;
  return Registry<Init>::instance().get(name, "--init");
}

}  // namespace physml::autodiff
