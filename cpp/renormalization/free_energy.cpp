#include "renormalization/free_energy.hpp"

#include <cmath>
#include <stdexcept>

#include "registry/registry.hpp"

namespace physml::renormalization {

int torus_steps(int size) {
  if (size < 2 || (size & (size - 1)) != 0)
    throw std::invalid_argument("the torus size must be a power of two >= 2 (got " + std::to_string(size) + ")");
  int n = 0;
  while ((1 << n) < size) ++n;
  return 2 * n;
}

namespace {

// Z of the one-tensor torus: every leg closed on its partner.
double trace(const Tensor& t) {
  double z = 0;
  for (int a = 0; a < t.dim(0); ++a)
    for (int b = 0; b < t.dim(2); ++b)
      z += t.data[((size_t(a) * t.dim(1) + size_t(a)) * t.dim(2) + size_t(b)) * t.dim(3) + size_t(b)];
  return z;
}

}  // namespace

FreeEnergy free_energy(const SquareModel& model, double T, const Settings& s) {
  if (!(T > 0) || !std::isfinite(1 / T)) throw std::invalid_argument("T must be > 0 with a finite 1/T");
  if (s.bond_dim < 1) throw std::invalid_argument("the bond dimension must be >= 1 (got " + std::to_string(s.bond_dim) + ")");
  if (s.threads < 1) throw std::invalid_argument("threads must be >= 1");
  const CoarseGrain step = registry::Registry<CoarseGrain>::instance().get(s.method, "--method");
  const int torus = s.size > 0 ? torus_steps(s.size) : 0;
  const int steps = torus ? torus : s.max_steps;

  SiteTensor site = site_tensor(model, 1 / T);
  Tensor t = std::move(site.t);
  // log Z / N = log_scale + sum_k log(c_k) / 2^k + log(trace) / 2^n, c_k the scale taken out
  // after step k (2^k sites behind each tensor then)
  double sites = 1, accumulated = site.log_scale;
  {
    const double c = max_abs(t);
    for (double& x : t.data) x /= c;
    accumulated += std::log(c);
  }
  tensor::Truncation trunc;
  trunc.max_bond = s.bond_dim;
  trunc.cutoff = 0;  // every value up to chi: the cut is the bond dimension alone

  FreeEnergy out;
  int quiet = 0;
  for (int k = 1; k <= steps; ++k) {
    StepRecord r;
    t = step(t, trunc, s.threads, r.cut);
    sites *= 2;
    const double c = max_abs(t);
    if (!(c > 0) || !std::isfinite(c)) throw std::runtime_error("the coarse-grained tensor vanished or overflowed");
    for (double& x : t.data) x /= c;
    r.log_norm = std::log(c);
    accumulated += r.log_norm / sites;
    const double tr = trace(t);
    // the torus closes the network with its trace; the plane adds the tail sum_{j>k}
    // log(c_j) / 2^j as if every later scale were this one's: the tensor is near its fixed
    // point, and the degenerate trace of an ordered phase (log 2 / N) is left out
    r.log_z = torus ? accumulated + std::log(tr) / sites : accumulated + r.log_norm / sites;
    if (torus && k == steps && !(tr > 0))
      throw std::runtime_error("the truncated torus has a trace <= 0: raise the bond dimension");
    const double previous = out.steps.empty() ? NAN : out.steps.back().log_z;
    out.steps.push_back(r);
    if (!torus) {
      quiet = std::abs(r.log_z - previous) <= s.tol * std::max(1.0, std::abs(r.log_z)) ? quiet + 1 : 0;
      if (quiet >= 2) {
        out.converged = true;
        break;
      }
    }
  }
  if (torus) out.converged = true;
  out.log_z = out.steps.back().log_z;
  out.f = -T * out.log_z;
  return out;
}

}  // namespace physml::renormalization

namespace physml::renormalization {

Thermodynamics thermodynamics(const SquareModel& model, double T, const Settings& s, bool derivatives) {
  Thermodynamics out;
  out.at = free_energy(model, T, s);
  if (!derivatives) return out;
  const double beta = 1 / T;
  out.dbeta = fd_step * beta;
  const double up = free_energy(model, 1 / (beta + out.dbeta), s).log_z;
  const double down = free_energy(model, 1 / (beta - out.dbeta), s).log_z;
  out.e = -(up - down) / (2 * out.dbeta);
  out.c = beta * beta * (up - 2 * out.at.log_z + down) / (out.dbeta * out.dbeta);
  return out;
}

}  // namespace physml::renormalization
