#pragma once
// Differentiable operations on the tape. Each one records its output and how its
// gradient flows back; all are checked against finite differences in tests/.
#include <cstdint>
#include <string>
#include <vector>

#include "autodiff/tape.hpp"

namespace physml::autodiff {

enum class Activation { Identity, Relu, Tanh, Sigmoid, Softplus, LogCosh };
Activation parse_activation(const std::string& name);
const char* activation_name(Activation a);

// x W for x (batch, in) and W (in, out).
template <class S> Var matmul(Tape<S>& t, Var x, Var W);
// x (W o mask) for a fixed 0/1 mask of W's shape: a layer whose zero pattern never changes
// (MADE's autoregressive masks); W's gradient is masked too. The mask must outlive the tape.
template <class S> Var masked_matmul(Tape<S>& t, Var x, Var W, const Matrix<S>& mask);
// x + b with the row b (1, n) added to every row.
template <class S> Var add_bias(Tape<S>& t, Var x, Var b);
template <class S> Var activate(Tape<S>& t, Var x, Activation a);
// The activation's values of x into y (same shape; blocks of row-major matrices allowed).
template <class S>
void apply_activation(Activation a, const Eigen::Ref<const Matrix<S>>& x, Eigen::Ref<Matrix<S>> y);

// Periodic ("circular") 2D convolution for configurations on an L x L' torus. Rows of x hold
// a sample as height x width x channels_in, channels fastest; W is (k*k*channels_in,
// channels_out) with k odd and centred; b is (1, channels_out). The output keeps the
// lattice: height x width x channels_out per row.
template <class S> Var conv2d_periodic(Tape<S>& t, Var x, Var W, Var b, int height, int width,
                                       int kernel);

// Inverted dropout: zero each entry with probability `rate`, scale survivors by 1/(1-rate).
// The mask is a pure function of (seed, step, row, column).
template <class S> Var dropout(Tape<S>& t, Var x, double rate, uint64_t seed, uint64_t step);

template <class S> Var add(Tape<S>& t, Var a, Var b);  // same shapes
template <class S> Var scale(Tape<S>& t, Var a, S factor);
// Elementwise a o b (same shapes), and x o r with the row r (1, n) applied to every row.
template <class S> Var multiply(Tape<S>& t, Var a, Var b);
template <class S> Var multiply_rows(Tape<S>& t, Var x, Var r);
template <class S> Var exponential(Tape<S>& t, Var x);
// Columns [first, first + count) of x.
template <class S> Var columns(Tape<S>& t, Var x, long first, long count);
// The sum of each row, as a column (batch, 1).
template <class S> Var row_sum(Tape<S>& t, Var x);

// Losses: scalars (1 x 1), averaged over the batch.
// Softmax cross entropy of logits (batch, classes) against class indices.
template <class S> Var softmax_cross_entropy(Tape<S>& t, Var logits, const std::vector<int>& labels);
// Binary cross entropy of one logit per row against targets in [0, 1].
template <class S> Var binary_cross_entropy(Tape<S>& t, Var logits, const std::vector<S>& targets);
// Mean over all entries of (prediction - target)^2.
template <class S> Var mean_squared_error(Tape<S>& t, Var prediction, const Matrix<S>& target);
// Per row, sum_i log sigmoid(s_i z_i): the log-probability of the +-1 values s (batch, n)
// under independent Bernoulli logits z (batch, n), as a column (batch, 1).
template <class S> Var bernoulli_log_prob(Tape<S>& t, Var logits, const Matrix<S>& spins);
// sum_b w_b x_b of a column x (batch, 1): a scalar.
template <class S> Var weighted_sum(Tape<S>& t, Var x, const std::vector<S>& weights);
// Penalties: sum w^2 / 2 and sum |w|.
template <class S> Var l2_penalty(Tape<S>& t, Var w);
template <class S> Var l1_penalty(Tape<S>& t, Var w);

}  // namespace physml::autodiff
