#include "ed/exact.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "ed/lanczos.hpp"
#include "registry/registry.hpp"

namespace physml {

namespace {

long binomial(int n, int k) {
  if (k < 0 || k > n) return 0;
  double r = 1;
  for (int i = 1; i <= k; ++i) r = r * (n - k + i) / i;
  return long(std::llround(r));
}

using Vec = Eigen::VectorXd;

// w = H v, one independent row at a time.
void apply(const SpinHamiltonian& H, const SpinBasis& basis, const Vec& diag, const Vec& v, Vec& w,
           int threads) {
  const long n = basis.size();
#pragma omp parallel for schedule(static, 4096) num_threads(threads)
  for (long r = 0; r < n; ++r) {
    const uint64_t s = basis.state(r);
    auto z = [s](int i) { return (s >> i & 1) ? 1 : -1; };
    double acc = diag(r) * v(r);
    H.off_diagonal(z, [&](int i, int j, double element) {
      uint64_t t = s ^ (uint64_t(1) << i);
      if (j >= 0) t ^= uint64_t(1) << j;
      const long c = basis.find(t);
      if (c >= 0) acc += element * v(c);  // H is real symmetric: <s|H|t> = <t|H|s>
    });
    w(r) = acc;
  }
}

// The tolerance's range is spelled here once; Python reads it from the registry.
const bool registered = [] {
  registry::Description d;
  d.concept = "eigensolver";
  d.name = "lanczos";
  d.summary = "Lanczos ground state and lowest levels, matrix-free in a magnetization sector";
  registry::Parameter tol{"tol", "float",
                          "largest residual |H psi - E psi| of a reported level, relative to the "
                          "spectral scale (bounds each level's relative error)"};
  tol.min = 0.0;
  tol.min_inclusive = false;
  tol.max = kLanczosMaxTolerance;
  registry::Parameter steps{"max_iter", "int", "Lanczos steps at most"};
  steps.min = 1;
  registry::Parameter levels{"levels", "int", "lowest distinct levels to report"};
  levels.min = 1;
  d.parameters = {tol, steps, levels};
  EigensolverRegistry::instance().add(d, &exact_ground_state);
  return true;
}();

}  // namespace

SpinBasis::SpinBasis(int n_sites, int n_up) : n_(n_sites), full_(n_up < 0) {
  if (n_sites < 1 || n_sites > 40) throw std::invalid_argument("exact diagonalization needs 1 to 40 spins");
  if (full_) return;
  if (n_up > n_sites) throw std::invalid_argument("more up spins than sites");
  index_.assign(size_t(1) << n_sites, -1);
  states_.reserve(size_t(binomial(n_sites, n_up)));
  for (uint64_t s = 0; s < (uint64_t(1) << n_sites); ++s)
    if (__builtin_popcountll(s) == n_up) {
      index_[s] = int32_t(states_.size());
      states_.push_back(s);
    }
}

double SpinBasis::memory_estimate(int n_sites, int n_up) {
  const double dim = n_up < 0 ? std::ldexp(1.0, n_sites) : double(binomial(n_sites, n_up));
  const double tables = n_up < 0 ? 0.0 : 4.0 * std::ldexp(1.0, n_sites) + 8.0 * dim;
  return 6.0 * 8.0 * dim + tables;  // diagonal, three Lanczos vectors, H v, ground state
}

ExactResult exact_ground_state(const SpinHamiltonian& H, int n_up, int levels, double tol,
                               int max_iter, uint64_t seed, int threads) {
  if (n_up >= 0 && !H.conserves_magnetization())
    throw std::invalid_argument("this Hamiltonian does not conserve the magnetization: no sectors");
  if (levels < 1) throw std::invalid_argument("levels must be >= 1");
  if (!(tol > 0 && tol <= kLanczosMaxTolerance))
    throw std::invalid_argument("the Lanczos tolerance must be in (0, 0.01]");
  if (max_iter < 1) throw std::invalid_argument("max_iter must be >= 1");
  const SpinBasis basis(H.n_sites, n_up);
  const long n = basis.size();
  if (n == 0) throw std::invalid_argument("the sector is empty");
  Vec diag(n);
#pragma omp parallel for schedule(static) num_threads(threads)
  for (long r = 0; r < n; ++r) {
    const uint64_t s = basis.state(r);
    diag(r) = H.diagonal([s](int i) { return (s >> i & 1) ? 1 : -1; });
  }
  const Vec start = lanczos::random_start<Vec>(n, seed, threads);
  Vec psi;
  const lanczos::Spectrum spectrum = lanczos::lowest(
      n, [&](const Vec& v, Vec& w) { apply(H, basis, diag, v, w, threads); }, start, levels, tol,
      max_iter, threads, &psi);
  ExactResult out(spectrum, n);
  out.zz.assign(size_t(H.n_sites), 0.0);
  out.x.assign(size_t(H.n_sites), 0.0);
  for (long r = 0; r < n; ++r) {
    const uint64_t s = basis.state(r);
    const double p = psi(r) * psi(r);
    const int z0 = (s & 1) ? 1 : -1;
    for (int j = 0; j < H.n_sites; ++j) {
      out.zz[size_t(j)] += p * z0 * ((s >> j & 1) ? 1 : -1);
      if (n_up < 0) out.x[size_t(j)] += psi(r) * psi(basis.find(s ^ (uint64_t(1) << j)));
    }
  }
  return out;
}

}  // namespace physml
