#include "ed/exact.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "registry/registry.hpp"
#include "rng/philox.hpp"

namespace physml {

namespace {

long binomial(int n, int k) {
  if (k < 0 || k > n) return 0;
  double r = 1;
  for (int i = 1; i <= k; ++i) r = r * (n - k + i) / i;
  return long(std::llround(r));
}

using Vec = Eigen::VectorXd;

// Reductions in fixed chunks summed in order: the same rounding for any thread count.
constexpr long kChunk = 1 << 14;

double dot(const Vec& a, const Vec& b, int threads) {
  const long n = a.size(), chunks = (n + kChunk - 1) / kChunk;
  std::vector<double> part(size_t(chunks), 0.0);
#pragma omp parallel for schedule(static) num_threads(threads)
  for (long c = 0; c < chunks; ++c) {
    const long lo = c * kChunk, len = std::min(kChunk, n - lo);
    part[size_t(c)] = a.segment(lo, len).dot(b.segment(lo, len));
  }
  double s = 0;
  for (double p : part) s += p;
  return s;
}

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

// Lowest distinct eigenvalues of the Lanczos tridiagonal matrix (and eigenvectors).
Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> ritz(const std::vector<double>& a, const std::vector<double>& b) {
  const long k = long(a.size());
  Eigen::MatrixXd T = Eigen::MatrixXd::Zero(k, k);
  for (long i = 0; i < k; ++i) {
    T(i, i) = a[size_t(i)];
    if (i + 1 < k) T(i, i + 1) = T(i + 1, i) = b[size_t(i)];
  }
  return Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(T);
}

std::vector<double> distinct_lowest(const Vec& values, int levels, double tol) {
  std::vector<double> out;
  for (long i = 0; i < values.size() && int(out.size()) < levels; ++i)
    if (out.empty() || values(i) - out.back() > tol) out.push_back(values(i));
  return out;
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
  // random start (addressed draws: the same vector for any thread count)
  const Key key = make_key(seed ^ 0x1A9C205ull);
  Vec start(n);
  for (long r = 0; r < n; ++r) {
    const Counter c = draw(key, uint32_t(r), 0, uint64_t(r) >> 32);
    start(r) = to_unit(c[0], c[1]) - 0.5;
  }
  start /= std::sqrt(dot(start, start, threads));

  ExactResult out;
  out.dimension = n;
  std::vector<double> alpha, beta;
  const int limit = int(std::min<long>(max_iter, n));
  // Converged means every reported level's Ritz pair (theta, y) has a residual
  // |H psi - theta psi| = |b_k y_k| within tol of the spectral scale (the largest |Ritz
  // value|, a lower bound of |H|): then each level is within tol * scale of an eigenvalue.
  // Ritz values that merely stop moving are no criterion: with a loose tolerance they
  // "settle" after two steps, far from the ground state. Checked every step at first, then
  // every fifth (the tridiagonal eigensolve grows as k^3).
  auto meets_tolerance = [&](int k, bool last) {
    if (k > 40 && k % 5 != 0 && !last) return false;
    const auto eig = ritz(alpha, beta);
    const Vec& values = eig.eigenvalues();
    const double scale = std::max({std::abs(values(0)), std::abs(values(values.size() - 1)), 1e-300});
    const double merge = 1e-8 * std::max(1.0, std::abs(values(0)));
    double worst = 0, accepted = 0;
    int found = 0;
    for (long i = 0; i < values.size() && found < levels; ++i) {
      if (found > 0 && values(i) - accepted <= merge) continue;  // a copy of a level (as distinct_lowest)
      ++found;
      accepted = values(i);
      worst = std::max(worst, std::abs(beta.back() * eig.eigenvectors()(long(beta.size()) - 1, i)) / scale);
    }
    out.residual = worst;
    return found == int(std::min<long>(levels, n)) && worst <= tol;
  };
  // One Lanczos run from `start`. The first records alpha, beta until convergence; the
  // second (coefficients given) rebuilds the same Krylov vectors to sum up psi.
  auto lanczos = [&](int steps, const Eigen::VectorXd* coefficients, Vec* psi) {
    Vec v_prev = Vec::Zero(n), v = start, w(n);
    for (int k = 0; k < steps; ++k) {
      if (psi) *psi += (*coefficients)(k) * v;
      apply(H, basis, diag, v, w, threads);
      const double a = psi ? alpha[size_t(k)] : dot(v, w, threads);
      w -= a * v;
      if (k > 0) w -= beta[size_t(k - 1)] * v_prev;
      const double b = psi ? beta[size_t(k)] : std::sqrt(dot(w, w, threads));
      if (!psi) {
        alpha.push_back(a);
        beta.push_back(b);
        // An invariant Krylov space (b ~ 0): its Ritz values are eigenvalues, whatever tol.
        const bool invariant = b < 1e-12 * std::max(1.0, std::abs(a));
        if (meets_tolerance(k, invariant || k + 1 == steps) || invariant) {
          out.converged = true;
          return k + 1;
        }
      }
      if (k + 1 == steps) break;
      v_prev.swap(v);
      v = w / b;
    }
    return steps;
  };
  const int steps = lanczos(limit, nullptr, nullptr);
  out.iterations = steps;
  const auto eig = ritz(alpha, beta);
  out.energies = distinct_lowest(eig.eigenvalues(), levels, 1e-8 * std::max(1.0, std::abs(eig.eigenvalues()(0))));
  // second pass: the ground state from the same Krylov vectors
  const Eigen::VectorXd y = eig.eigenvectors().col(0);
  Vec psi = Vec::Zero(n);
  lanczos(steps, &y, &psi);
  psi /= std::sqrt(dot(psi, psi, threads));
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
