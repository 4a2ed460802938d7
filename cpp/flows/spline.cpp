#include "flows/spline.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <cmath>
#include <stdexcept>

namespace physml::flows {

namespace {

constexpr double MIN_WIDTH = 1e-3, MIN_HEIGHT = 1e-3, MIN_SLOPE = 1e-3;
constexpr int N = SPLINE_PARAMETERS + 1;  // the element's input, then its parameters

// A value with its derivatives by the element's input and parameters (forward mode): the
// spline is a short formula of 3 BINS numbers, so carrying 24 derivatives through it is
// cheaper and safer than a hand-written adjoint.
struct Dual {
  double v = 0;
  std::array<double, N> d{};
};

Dual constant(double v) { return Dual{v, {}}; }
Dual variable(double v, int i) {
  Dual x{v, {}};
  x.d[size_t(i)] = 1;
  return x;
}
Dual operator+(const Dual& a, const Dual& b) {
  Dual r{a.v + b.v, {}};
  for (int i = 0; i < N; ++i) r.d[size_t(i)] = a.d[size_t(i)] + b.d[size_t(i)];
  return r;
}
Dual operator-(const Dual& a, const Dual& b) {
  Dual r{a.v - b.v, {}};
  for (int i = 0; i < N; ++i) r.d[size_t(i)] = a.d[size_t(i)] - b.d[size_t(i)];
  return r;
}
Dual operator*(const Dual& a, const Dual& b) {
  Dual r{a.v * b.v, {}};
  for (int i = 0; i < N; ++i) r.d[size_t(i)] = a.d[size_t(i)] * b.v + a.v * b.d[size_t(i)];
  return r;
}
Dual operator/(const Dual& a, const Dual& b) {
  Dual r{a.v / b.v, {}};
  for (int i = 0; i < N; ++i) r.d[size_t(i)] = (a.d[size_t(i)] - r.v * b.d[size_t(i)]) / b.v;
  return r;
}
Dual scaled(const Dual& a, double c) {
  Dual r{a.v * c, {}};
  for (int i = 0; i < N; ++i) r.d[size_t(i)] = a.d[size_t(i)] * c;
  return r;
}
Dual exp(const Dual& a) {
  Dual r{std::exp(a.v), {}};
  for (int i = 0; i < N; ++i) r.d[size_t(i)] = a.d[size_t(i)] * r.v;
  return r;
}
Dual log(const Dual& a) {
  Dual r{std::log(a.v), {}};
  for (int i = 0; i < N; ++i) r.d[size_t(i)] = a.d[size_t(i)] / a.v;
  return r;
}
Dual softplus(const Dual& a) {
  const double sig = 1 / (1 + std::exp(-a.v));
  Dual r{std::max(a.v, 0.0) + std::log1p(std::exp(-std::abs(a.v))), {}};
  for (int i = 0; i < N; ++i) r.d[size_t(i)] = a.d[size_t(i)] * sig;
  return r;
}

struct Knots {
  std::array<Dual, BINS + 1> x, y, slope;
};

// Widths or heights: 2 BOUND (min + (1 - BINS min) softmax), as cumulative knots from -BOUND.
void cumulative(const Dual* raw, double minimum, std::array<Dual, BINS + 1>& knots) {
  double top = raw[0].v;
  for (int k = 1; k < BINS; ++k) top = std::max(top, raw[k].v);
  std::array<Dual, BINS> e;
  Dual total = constant(0);
  for (int k = 0; k < BINS; ++k) {
    e[size_t(k)] = exp(raw[k] - constant(top));
    total = total + e[size_t(k)];
  }
  knots[0] = constant(-BOUND);
  for (int k = 0; k < BINS; ++k) {
    const Dual share = scaled(e[size_t(k)] / total, 1 - BINS * minimum) + constant(minimum);
    knots[size_t(k + 1)] = knots[size_t(k)] + scaled(share, 2 * BOUND);
  }
}

template <class Get>
Knots knots_of(Get raw) {
  std::array<Dual, SPLINE_PARAMETERS> p;
  for (int i = 0; i < SPLINE_PARAMETERS; ++i) p[size_t(i)] = raw(i);
  Knots k;
  cumulative(p.data(), MIN_WIDTH, k.x);
  cumulative(p.data() + BINS, MIN_HEIGHT, k.y);
  k.slope[0] = constant(1);
  k.slope[BINS] = constant(1);
  for (int j = 1; j < BINS; ++j) k.slope[size_t(j)] = softplus(p[size_t(2 * BINS + j - 1)]) + constant(MIN_SLOPE);
  return k;
}

int bin_of(const std::array<Dual, BINS + 1>& knots, double v) {
  int k = 0;
  while (k < BINS - 1 && v >= knots[size_t(k + 1)].v) ++k;
  return k;
}

// y and ln dy/dx inside bin k at x.
void inside(const Knots& k, int b, const Dual& x, Dual& y, Dual& log_slope) {
  const Dual w = k.x[size_t(b + 1)] - k.x[size_t(b)], h = k.y[size_t(b + 1)] - k.y[size_t(b)];
  const Dual s = h / w, xi = (x - k.x[size_t(b)]) / w;
  const Dual d0 = k.slope[size_t(b)], d1 = k.slope[size_t(b + 1)];
  const Dual one = constant(1), omx = one - xi, mix = xi * omx;
  const Dual den = s + (d1 + d0 - scaled(s, 2)) * mix;
  y = k.y[size_t(b)] + h * (s * xi * xi + d0 * mix) / den;
  const Dual slope = s * s * (d1 * xi * xi + scaled(s * mix, 2) + d0 * omx * omx) / (den * den);
  log_slope = log(slope);
}

// Both results of one element with their derivatives by (x, p).
void element(double xv, const double* p, Dual& y, Dual& log_slope) {
  const Dual x = variable(xv, 0);
  if (!(xv > -BOUND && xv < BOUND)) {
    y = x;
    log_slope = constant(0);
    return;
  }
  const Knots k = knots_of([&](int i) { return variable(p[i], i + 1); });
  inside(k, bin_of(k.x, xv), x, y, log_slope);
}

}  // namespace

void spline_forward(double x, const double* p, double& y, double& log_slope) {
  Dual dy, dl;
  element(x, p, dy, dl);
  y = dy.v;
  log_slope = dl.v;
}

void spline_inverse(double y, const double* p, double& x, double& log_slope) {
  if (!(y > -BOUND && y < BOUND)) {
    x = y;
    log_slope = 0;
    return;
  }
  const Knots k = knots_of([&](int i) { return constant(p[i]); });
  const int b = bin_of(k.y, y);
  const double w = k.x[size_t(b + 1)].v - k.x[size_t(b)].v, h = k.y[size_t(b + 1)].v - k.y[size_t(b)].v;
  const double s = h / w, d0 = k.slope[size_t(b)].v, d1 = k.slope[size_t(b + 1)].v;
  const double dy = y - k.y[size_t(b)].v, c2 = d1 + d0 - 2 * s;
  // the quadratic a xi^2 + b xi + c = 0 of the paper, in its stable root
  const double qa = h * (s - d0) + dy * c2, qb = h * d0 - dy * c2, qc = -s * dy;
  const double xi = std::clamp(2 * qc / (-qb - std::sqrt(std::max(0.0, qb * qb - 4 * qa * qc))), 0.0, 1.0);
  x = k.x[size_t(b)].v + xi * w;
  Dual yy, dl;
  inside(k, b, constant(x), yy, dl);
  log_slope = dl.v;
}

autodiff::Var spline_transform(autodiff::Tape<double>& t, autodiff::Var u, autodiff::Var raw,
                               const autodiff::Matrix<double>& moved) {
  using M = autodiff::Matrix<double>;
  const M& U = t.value(u);
  const M& P = t.value(raw);
  const long d = U.cols();
  if (P.rows() != U.rows() || P.cols() != d * SPLINE_PARAMETERS || moved.cols() != d)
    throw std::invalid_argument("spline_transform: shapes");
  M out(U.rows(), d + 1);
  // derivatives of (y, ln slope) by (x, p) for every moved element, for the backward pass
  auto grads = std::make_shared<M>(M::Zero(U.rows(), d * 2 * N));
  autodiff::parallel_blocks(U.rows(), double(d) * 600, t.threads(), [&](long b, long e) {
    for (long r = b; r < e; ++r) {
      double log_det = 0;
      for (long j = 0; j < d; ++j) {
        if (moved(0, j) == 0) {
          out(r, j) = U(r, j);
          continue;
        }
        Dual y, ls;
        element(U(r, j), &P(r, j * SPLINE_PARAMETERS), y, ls);
        out(r, j) = y.v;
        log_det += ls.v;
        for (int i = 0; i < N; ++i) {
          (*grads)(r, j * 2 * N + i) = y.d[size_t(i)];
          (*grads)(r, j * 2 * N + N + i) = ls.d[size_t(i)];
        }
      }
      out(r, d) = log_det;
    }
  });
  const bool needs = t.needs_grad(u) || t.needs_grad(raw);
  const M* mask = &moved;
  return t.record(std::move(out), needs, [u, raw, grads, mask, d](autodiff::Tape<double>& t, autodiff::Var, const M& dy) {
    M* du = t.gradient(u);
    M* dp = t.gradient(raw);
    for (long r = 0; r < dy.rows(); ++r)
      for (long j = 0; j < d; ++j) {
        if ((*mask)(0, j) == 0) {
          if (du) (*du)(r, j) += dy(r, j);
          continue;
        }
        const double gy = dy(r, j), gl = dy(r, d);
        const double* g = &(*grads)(r, j * 2 * N);
        if (du) (*du)(r, j) += gy * g[0] + gl * g[N];
        if (dp)
          for (int i = 1; i < N; ++i) (*dp)(r, j * SPLINE_PARAMETERS + i - 1) += gy * g[i] + gl * g[N + i];
      }
  });
}

}  // namespace physml::flows
