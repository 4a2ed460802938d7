#pragma once
// Mini-batch training of a Network: seeded shuffling, L1/L2 penalties on weights, an
// optional validation set with early stopping (the best parameters are kept), and a
// per-epoch history. Every random choice is addressed by the seed, so the trained model
// does not depend on the thread count.
#include <cstdint>
#include <string>
#include <vector>

#include "autodiff/network.hpp"
#include "autodiff/optimizers.hpp"

namespace physml::autodiff {

enum class Loss { SoftmaxCrossEntropy, BinaryCrossEntropy, MeanSquaredError };
Loss parse_loss(const std::string& name);

// Targets of a data set: class indices for the cross entropies, values for MSE.
template <class S>
struct Targets {
  std::vector<int> classes;
  Matrix<S> values;
  long size() const { return classes.empty() ? long(values.rows()) : long(classes.size()); }
};

struct TrainOptions {
  Loss loss = Loss::SoftmaxCrossEntropy;
  OptimizerKind optimizer = OptimizerKind::Adam;
  OptimizerSettings settings;
  int epochs = 10, batch_size = 64;
  double l1 = 0, l2 = 0;
  int patience = 0;  // epochs without validation improvement before stopping; 0 = never
  uint64_t seed = 0;
  int threads = 1;
};

struct History {
  std::vector<double> train_loss, train_score, val_loss, val_score;
  int best_epoch = -1;  // 0-based; -1 without validation data
  bool stopped_early = false;
};

// Loss (without penalties) and score: accuracy for the cross entropies, R^2 for MSE.
struct Evaluation {
  double loss = 0, score = 0;
};

template <class S>
History train(Network<S>& net, const Matrix<S>& X, const Targets<S>& y, const Matrix<S>& X_val,
              const Targets<S>& y_val, const TrainOptions& opt);

// Network outputs turned into what the loss models: class probabilities (softmax or
// sigmoid) or the regression values.
template <class S>
Matrix<S> predict(const Network<S>& net, const Matrix<S>& X, Loss loss, int threads);

template <class S>
Evaluation evaluate(const Network<S>& net, const Matrix<S>& X, const Targets<S>& y, Loss loss,
                    int threads);

// Loss including penalties and d loss / d parameters for one batch, as training computes
// them (dropout masks from dropout_seed and step when `training`). For gradient checks.
template <class S>
double loss_and_gradient(Network<S>& net, const Matrix<S>& X, const Targets<S>& y,
                         const TrainOptions& opt, bool training, uint64_t step);

}  // namespace physml::autodiff
