#pragma once
// Matrix-free Lanczos for a Hermitian operator given only as w = H v: the computational
// basis of a magnetization sector (real) and the symmetry-adapted bases (real or complex)
// share it. Reductions are summed in fixed chunks, so every number is the same for any
// thread count.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <complex>
#include <type_traits>
#include <vector>

#include "rng/philox.hpp"

namespace physml::lanczos {

constexpr long kChunk = 1 << 14;

// <a, b> (a conjugated), in fixed chunks summed in order.
template <class Vec>
typename Vec::Scalar dot(const Vec& a, const Vec& b, int threads) {
  using S = typename Vec::Scalar;
  const long n = a.size(), chunks = (n + kChunk - 1) / kChunk;
  std::vector<S> part(size_t(chunks), S(0));
#pragma omp parallel for schedule(static) num_threads(threads)
  for (long c = 0; c < chunks; ++c) {
    const long lo = c * kChunk, len = std::min(kChunk, n - lo);
    part[size_t(c)] = a.segment(lo, len).dot(b.segment(lo, len));
  }
  S s(0);
  for (const S& p : part) s += p;
  return s;
}

template <class Vec>
double norm(const Vec& a, int threads) {
  return std::sqrt(std::real(dot(a, a, threads)));
}

// A random start (addressed draws: the same vector for any thread count), normalised.
template <class Vec>
Vec random_start(long n, uint64_t seed, int threads) {
  using S = typename Vec::Scalar;
  const Key key = make_key(seed ^ 0x1A9C205ull);
  Vec start(n);
  for (long r = 0; r < n; ++r) {
    const Counter c = draw(key, uint32_t(r), 0, uint64_t(r) >> 32);
    if constexpr (std::is_same_v<S, double>)
      start(r) = to_unit(c[0], c[1]) - 0.5;
    else
      start(r) = S(to_unit(c[0], c[1]) - 0.5, to_unit(c[2], c[3]) - 0.5);
  }
  return start / norm(start, threads);
}

struct Spectrum {
  std::vector<double> energies;  // lowest distinct levels, ascending
  int iterations = 0;
  double residual = 0;  // largest |H psi - E psi| of a reported level over the spectral scale
  bool converged = false;
};

// The lowest `levels` distinct eigenvalues of H (dimension n) from the start vector, and,
// when psi is given, the ground state (normalised). Converged means every reported level's
// Ritz pair (theta, y) has a residual |b_k y_k| within tol of the spectral scale (the largest
// |Ritz value|, a lower bound of |H|): then each level is within tol * scale of an
// eigenvalue. Ritz values that merely stop moving are no criterion: with a loose tolerance
// they "settle" after two steps, far from the ground state. The ground state is summed from
// the Krylov vectors: kept, where at most `keep` of them are needed, else rebuilt by a second
// run from the same start (memory stays a few vectors, time doubles).
template <class Vec, class Apply>
Spectrum lowest(long n, const Apply& apply, const Vec& start, int levels, double tol, int max_iter,
                int threads, Vec* psi, long keep = 0) {
  using Tridiagonal = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>;
  std::vector<double> alpha, beta;
  auto ritz = [&] {
    const long k = long(alpha.size());
    Eigen::MatrixXd T = Eigen::MatrixXd::Zero(k, k);
    for (long i = 0; i < k; ++i) {
      T(i, i) = alpha[size_t(i)];
      if (i + 1 < k) T(i, i + 1) = T(i + 1, i) = beta[size_t(i)];
    }
    return Tridiagonal(T);
  };
  // Two Ritz values closer than this are one (degenerate) level: Lanczos in exact
  // arithmetic sees each eigenvalue once, and the copies rounding makes are not levels.
  auto merge = [](const Eigen::VectorXd& v) { return 1e-8 * std::max(1.0, std::abs(v(0))); };
  Spectrum out;
  // Checked every step at first, then every fifth (the tridiagonal eigensolve grows as k^3).
  auto meets_tolerance = [&](int k, bool last) {
    if (k > 40 && k % 5 != 0 && !last) return false;
    const Tridiagonal eig = ritz();
    const Eigen::VectorXd& values = eig.eigenvalues();
    const double scale = std::max({std::abs(values(0)), std::abs(values(values.size() - 1)), 1e-300});
    double worst = 0, accepted = 0;
    int found = 0;
    for (long i = 0; i < values.size() && found < levels; ++i) {
      if (found > 0 && values(i) - accepted <= merge(values)) continue;
      ++found;
      accepted = values(i);
      worst = std::max(worst, std::abs(beta.back() * eig.eigenvectors()(long(beta.size()) - 1, i)) / scale);
    }
    out.residual = worst;
    return found == int(std::min<long>(levels, n)) && worst <= tol;
  };
  // The first run records alpha, beta until convergence; the second (coefficients given)
  // rebuilds the same Krylov vectors to sum up psi.
  std::vector<Vec> kept;
  bool overflow = keep <= 0;
  auto run = [&](int steps, const Eigen::VectorXd* coefficients, Vec* sum) {
    Vec v_prev = Vec::Zero(n), v = start, w(n);
    for (int k = 0; k < steps; ++k) {
      if (!sum && psi && !overflow) {
        if (long(kept.size()) < keep) {
          kept.push_back(v);
        } else {
          std::vector<Vec>().swap(kept);  // too many: the second run rebuilds them
          overflow = true;
        }
      }
      if (sum) *sum += (*coefficients)(k) * v;
      apply(v, w);
      const double a = sum ? alpha[size_t(k)] : std::real(dot(v, w, threads));
      w -= a * v;
      if (k > 0) w -= beta[size_t(k - 1)] * v_prev;
      const double b = sum ? beta[size_t(k)] : norm(w, threads);
      if (!sum) {
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
  const int steps = run(int(std::min<long>(max_iter, n)), nullptr, nullptr);
  out.iterations = steps;
  const Tridiagonal eig = ritz();
  const Eigen::VectorXd& values = eig.eigenvalues();
  for (long i = 0; i < values.size() && int(out.energies.size()) < levels; ++i)
    if (out.energies.empty() || values(i) - out.energies.back() > merge(values))
      out.energies.push_back(values(i));
  if (psi) {
    const Eigen::VectorXd y = eig.eigenvectors().col(0);
    *psi = Vec::Zero(n);
    if (long(kept.size()) == steps)
      for (int k = 0; k < steps; ++k) *psi += y(k) * kept[size_t(k)];
    else
      run(steps, &y, psi);
    *psi /= norm(*psi, threads);
  }
  return out;
}

}  // namespace physml::lanczos
