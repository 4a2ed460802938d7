#pragma once
// Variational wave functions psi(s) over spin configurations s (s_i = +-1, +1 = up).
// T is double for real parameters and std::complex<double> for complex ones (then psi is
// holomorphic in them). A Walker is one Markov chain's view of the wave function: it holds a
// configuration with whatever look-up tables make ratios psi(s')/psi(s) cheap, so that the
// sampler and the local energy never recompute psi from scratch.
#include <Eigen/Dense>
#include <complex>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "registry/registry.hpp"
#include "rng/xoshiro256.hpp"
#include "vmc/chain_gather.hpp"

namespace physml::vmc {

template <class T>
using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;

using Config = std::vector<int8_t>;

// The spins of s as numbers of the ansatz's scalar type, for its matrix algebra.
template <class T>
Vector<T> as_vector(const Config& s) {
  Vector<T> x(long(s.size()));
  for (size_t i = 0; i < s.size(); ++i) x[long(i)] = T(s[i]);
  return x;
}

// A set of flipped sites: j = -1 when only site i flips.
using Flip = std::pair<int, int>;

template <class T>
class Walker {
 public:
  virtual ~Walker() = default;
  // Takes the configuration and rebuilds the look-up tables from it.
  virtual void reset(const Config& s) = 0;
  const Config& config() const { return s_; }
  // psi(s') / psi(s) for s' = s with site i (and j >= 0) flipped.
  virtual T ratio(int i, int j) = 0;
  // Ratios for many flips at once (ansaetze without look-up tables batch them).
  virtual void ratios(const std::vector<Flip>& flips, T* out) {
    for (size_t k = 0; k < flips.size(); ++k) out[k] = ratio(flips[k].first, flips[k].second);
  }
  // Moves to s' = s with site i (and j >= 0) flipped, updating the tables.
  virtual void flip(int i, int j) = 0;
  // O_k(s) = d log psi(s) / d p_k for every parameter, in parameter order.
  virtual void log_derivatives(T* out) = 0;
  // Replaces s by an exact, independent sample of |psi|^2 drawn from `rng`, where the wave
  // function can (autoregressive ones); false: it cannot (--sampler direct refuses it).
  virtual bool sample_exact(Xoshiro256& /*rng*/) { return false; }

 protected:
  Config s_;
};

template <class T>
class Ansatz {
 public:
  virtual ~Ansatz() = default;
  virtual std::string name() const = 0;
  int n_sites() const { return n_sites_; }
  virtual long n_params() const = 0;
  virtual Vector<T> parameters() const = 0;
  // Sets parameters and refreshes whatever walkers precompute from them.
  virtual void set_parameters(const Vector<T>& p) = 0;
  virtual std::unique_ptr<Walker<T>> walker() const = 0;
  // log psi(s) from scratch (tests, and checks of the walkers' ratios).
  virtual T log_psi(const Config& s) const = 0;

  // SR in sample space needs the Gram matrix G_xy = sum_k O_k(x) conj(O_k(y)) of the samples'
  // log-derivative rows, N_s^2 P work in general. An ansatz whose log-derivatives have
  // structure says how many leading columns of the (uncentred) rows determine G, and builds
  // G from those; 0: none (the solver forms O O^dagger itself).
  virtual long gram_columns() const { return 0; }
  virtual void log_derivative_gram(const RowMatrix<T>& /*leading*/, RowMatrix<T>& /*G*/, int /*threads*/) const {}

 protected:
  int n_sites_ = 0;
};

// Small random parameters (normal with standard deviation `scale`, real and imaginary parts
// alike), addressed by the seed.
struct AnsatzSpec {
  std::string kind = "rbm";  // a registered ansatz: rbm | rbmsymm | jastrow | ffn | ffnsymm | made
  double alpha = 1;          // hidden units per site (rbm); feature maps (rbmsymm)
  std::string architecture;  // ffn: autodiff architecture string; log psi = sum of outputs
  int height = 1, width = 0; // ffn input geometry (width 0: a 1 x N row)
  // rbmsymm, ffnsymm: the site permutations their weights are shared over (the lattice's registered
  // symmetry group, identity first), built only by the ansaetze that ask for them
  std::function<std::vector<std::vector<int32_t>>()> group;
  int parity = 0;  // +-1: psi projected onto that eigenvalue of flipping every spin; 0: none
  int depth = 2;   // made: masked layers (width per site: alpha)
  int n_up = -1;   // made: the S^z sector the network is restricted to (-1: none)
  double init_scale = 0.01;
  uint64_t seed = 0;
};

template <class T>
std::unique_ptr<Ansatz<T>> make_ansatz(const AnsatzSpec& spec, int n_sites);

// A registered wave function (vmc/ansatz.cpp): how to build it with real and, where it has
// them, complex parameters. A factory that returns parameters drawn by `random_parameters`
// leaves init_scale to make_ansatz; one that initialises itself says so.
template <class T>
using AnsatzBuilder = std::function<std::unique_ptr<Ansatz<T>>(const AnsatzSpec&, int n_sites)>;
struct AnsatzFactory {
  AnsatzBuilder<double> real;
  AnsatzBuilder<std::complex<double>> complex;  // empty: real parameters only
  bool initializes_itself = false;
};
using AnsatzRegistry = registry::Registry<AnsatzFactory>;

// Normal(0, scale) draws addressed by (seed, index): the same parameters for any layout.
template <class T>
Vector<T> random_parameters(long n, double scale, uint64_t seed);

}  // namespace physml::vmc
