#pragma once
// Hopfield networks of N binary (+-1) neurons: learning rules that turn patterns
// into symmetric couplings with zero diagonal, zero-temperature and Glauber
// dynamics, the energy E = -1/2 s^T W s, and the dense ("modern") Hopfield update
// of Ramsauer et al. (2020).
#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

namespace physml {

using PatternMatrix = Eigen::Matrix<int8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Couplings = Eigen::MatrixXd;

enum class HopfieldRule { Hebbian, PseudoInverse, Storkey };
HopfieldRule parse_hopfield_rule(const std::string& name);

// patterns: (P, N) of +-1.
Couplings hopfield_learn(const PatternMatrix& patterns, HopfieldRule rule);

double hopfield_energy(const Couplings& W, const int8_t* s);

struct RecallResult {
  std::vector<int8_t> state;
  int sweeps = 0;
  bool converged = false;  // reached a fixed point (T = 0) within max_sweeps
};

// Asynchronous: neurons updated one at a time in a fresh random order each sweep;
// synchronous: all at once. T = 0: s_i = sign(h_i) (h_i = 0 keeps s_i); T > 0: Glauber,
// P(s_i = +1) = 1 / (1 + exp(-2 h_i / T)). Draws come from (seed, stream).
RecallResult hopfield_recall(const Couplings& W, const int8_t* start, bool synchronous,
                             double temperature, int max_sweeps, uint64_t seed, uint32_t stream);

// s <- sign(X^T softmax(beta X s)) for `steps` steps, X the (P, N) stored patterns.
std::vector<int8_t> modern_hopfield_update(const PatternMatrix& patterns, const int8_t* start,
                                           double beta, int steps);

struct CapacityPoint {
  double load = 0, overlap = 0, overlap_err = 0, retrieved = 0;
  std::vector<double> trial_overlap;  // mean overlap of each trial
};

struct Threshold {
  double value = 0, error = 0;
};

// The load where the mean overlap first drops below `level` (linear interpolation),
// with a bootstrap error over trials. level = 0.967 is the overlap of the retrieval
// state at the Amit-Gutfreund-Sompolinsky capacity limit; level < 0 means halfway
// between the largest and smallest mean overlap on the scanned loads.
Threshold capacity_threshold(const std::vector<CapacityPoint>& curve, double level, int resamples,
                             uint64_t seed);

// Mean final overlap with the pattern a zero-temperature asynchronous recall started
// from (a copy of the pattern with a fraction `corrupt` of neurons flipped), for random
// patterns at each load P/N; `probes` patterns per trial are recalled. OpenMP over
// trials; each trial has its own random stream, so the result does not depend on the
// thread count.
std::vector<CapacityPoint> hopfield_capacity(int n_neurons, const std::vector<double>& loads,
                                             int trials, int probes, double corrupt,
                                             HopfieldRule rule, uint64_t seed, int threads);

}  // namespace physml
