#include "variational/classical_system.hpp"

#include <cmath>
#include <stdexcept>

#include "lattice/lattice.hpp"
#include "rng/philox.hpp"

namespace physml::variational {

ClassicalSystem ClassicalSystem::ising(const std::string& lattice, int L, bool open, double J, double h) {
  const Lattice lat(lattice, L, open);
  ClassicalSystem s;
  s.n_ = lat.n_sites();
  s.h_ = h;
  s.J_ = J;
  for (const auto& [i, j] : lat.bonds()) s.couplings_.push_back({i, j, J});
  // Uniform coordination counted from the bonds themselves (a bond listed twice on a small
  // torus counts twice, as it does in the energy).
  std::vector<int> degree(static_cast<size_t>(s.n_), 0);
  for (const auto& [i, j] : lat.bonds()) ++degree[size_t(i)], ++degree[size_t(j)];
  s.z_ = degree.empty() ? 0 : degree[0];
  for (int d : degree)
    if (d != s.z_) s.z_ = 0;
  return s;
}

ClassicalSystem ClassicalSystem::sherrington_kirkpatrick(int n, uint64_t couplings_seed, double h) {
  if (n < 2) throw std::invalid_argument("the SK model needs at least 2 spins");
  ClassicalSystem s;
  s.n_ = n;
  s.h_ = h;
  const Key key = make_key(couplings_seed ^ 0xC2B2AE3D27D4EB4Full);  // not a sampler's streams
  const double sd = 1.0 / std::sqrt(double(n));
  uint32_t k = 0;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j, ++k) {
      // Box-Muller from the pair's own draw: J_ij depends on (seed, i, j) only
      const Counter c = draw(key, k, 0x5Cu, 0);
      const double u1 = 1.0 - to_unit(c[0], c[1]), u2 = to_unit(c[2], c[3]);
      s.couplings_.push_back({i, j, sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2)});
    }
  return s;
}

Eigen::VectorXd ClassicalSystem::energies(const autodiff::Matrix<double>& s) const {
  if (s.cols() != n_) throw std::invalid_argument("configurations do not match the system's sites");
  Eigen::VectorXd out(s.rows());
  for (long r = 0; r < s.rows(); ++r) {
    const double* x = s.row(r).data();
    double e = 0, m = 0;
    for (const Coupling& c : couplings_) e -= c.J * x[c.i] * x[c.j];
    for (int i = 0; i < n_; ++i) m += x[i];
    out[r] = e - h_ * m;
  }
  return out;
}

ExactFreeEnergy enumerate_free_energy(const ClassicalSystem& system, double T) {
  const int n = system.n_sites();
  if (n > 30) throw std::invalid_argument("exact enumeration is limited to 30 spins");
  if (!(T > 0)) throw std::invalid_argument("the temperature must be > 0");
  // Local fields for O(N) energy changes per Gray-code flip.
  std::vector<std::vector<std::pair<int, double>>> nb(static_cast<size_t>(n));
  for (const Coupling& c : system.couplings()) {
    nb[size_t(c.i)].push_back({c.j, c.J});
    nb[size_t(c.j)].push_back({c.i, c.J});
  }
  std::vector<int> s(static_cast<size_t>(n), -1);
  double E = 0;
  for (const Coupling& c : system.couplings()) E -= c.J * s[size_t(c.i)] * s[size_t(c.j)];
  E -= system.field() * (-n);
  // Two passes: the ground energy first, so that every weight exp(-(E - E0)/T) <= 1.
  const uint64_t total = uint64_t(1) << n;
  auto visit = [&](auto&& f) {
    std::fill(s.begin(), s.end(), -1);
    double e = E;
    f(e);
    for (uint64_t k = 1; k < total; ++k) {
      const int i = __builtin_ctzll(k);
      double local = system.field();
      for (const auto& [j, J] : nb[size_t(i)]) local += J * s[size_t(j)];
      e += 2.0 * s[size_t(i)] * local;  // flipping s_i changes -s_i local by 2 s_i local
      s[size_t(i)] = -s[size_t(i)];
      f(e);
    }
  };
  double e0 = E;
  visit([&](double e) { e0 = std::min(e0, e); });
  // Compensated (Kahan) sums: 2^N terms would otherwise lose ~sqrt(2^N) ulps.
  struct Sum {
    double total = 0, carry = 0;
    void add(double x) {
      const double y = x - carry, t = total + y;
      carry = (t - total) - y;
      total = t;
    }
  } z, se, se2;
  visit([&](double e) {
    const double w = std::exp(-(e - e0) / T);
    z.add(w);
    se.add(w * (e - e0));
    se2.add(w * (e - e0) * (e - e0));
  });
  const double mean = se.total / z.total, var = se2.total / z.total - mean * mean;
  return {(e0 - T * std::log(z.total)) / n, (e0 + mean) / n, var / (T * T) / n};
}

}  // namespace physml::variational
