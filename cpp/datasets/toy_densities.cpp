#include "datasets/toy_densities.hpp"

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <stdexcept>

#include "registry/registry.hpp"
#include "rng/philox.hpp"

namespace physml::datasets {

namespace {

constexpr double PI = 3.14159265358979323846;
constexpr double SIGMA = 0.1;
constexpr double RADIUS = 2.0;
constexpr double NEG_INF = -std::numeric_limits<double>::infinity();

// Four uniforms of sample i (one Philox block), and two standard normals from them.
struct Draws {
  double u[4];
  double normal(int k) const {  // Box-Muller on (u[2k], u[2k+1])
    const double r = std::sqrt(-2 * std::log1p(-u[2 * k]));
    return r * std::cos(2 * PI * u[2 * k + 1]);
  }
};

Draws draws(const Key& key, int i, uint32_t block) {
  const Counter a = draw(key, uint32_t(i), 0x70u, block);
  const Counter b = draw(key, uint32_t(i), 0x71u, block);
  return {{to_unit(a[0], a[1]), to_unit(a[2], a[3]), to_unit(b[0], b[1]), to_unit(b[2], b[3])}};
}

double log_normal_2d(double dx, double dy) {
  return -(dx * dx + dy * dy) / (2 * SIGMA * SIGMA) - std::log(2 * PI * SIGMA * SIGMA);
}

double log_sum_exp(const double* v, int n) {
  double m = NEG_INF;
  for (int k = 0; k < n; ++k) m = std::max(m, v[k]);
  if (m == NEG_INF) return m;
  double s = 0;
  for (int k = 0; k < n; ++k) s += std::exp(v[k] - m);
  return m + std::log(s);
}

// --- gaussians8
void gaussians8_sample(const Draws& d, double& x, double& y) {
  const int k = std::min(7, int(d.u[0] * 8));  // the component; the noise takes u[2], u[3]
  const double a = 2 * PI * k / 8;
  const double r = std::sqrt(-2 * std::log1p(-d.u[2]));
  x = RADIUS * std::cos(a) + SIGMA * r * std::cos(2 * PI * d.u[3]);
  y = RADIUS * std::sin(a) + SIGMA * r * std::sin(2 * PI * d.u[3]);
}
double gaussians8_log_density(double x, double y) {
  double terms[8];
  for (int k = 0; k < 8; ++k) {
    const double a = 2 * PI * k / 8;
    terms[k] = log_normal_2d(x - RADIUS * std::cos(a), y - RADIUS * std::sin(a)) - std::log(8.0);
  }
  return log_sum_exp(terms, 8);
}

// --- ring: r = |R + sigma z| (the fold at 0 is 20 sigma away: it changes nothing a double
// can show, and keeps the density exactly normalised)
void ring_sample(const Draws& d, double& x, double& y) {
  const double r = std::abs(RADIUS + SIGMA * d.normal(0));
  const double a = 2 * PI * d.u[2];
  x = r * std::cos(a);
  y = r * std::sin(a);
}
double ring_log_density(double x, double y) {
  const double r = std::hypot(x, y);
  if (r == 0) return NEG_INF;
  auto log_n = [](double z) { return -z * z / 2 - 0.5 * std::log(2 * PI); };
  const double terms[2] = {log_n((r - RADIUS) / SIGMA), log_n((r + RADIUS) / SIGMA)};
  return log_sum_exp(terms, 2) - std::log(SIGMA) - std::log(2 * PI * r);
}

// --- checkerboard: squares (i, j) of side 1 on [-2, 2]^2 with i + j even
void checkerboard_sample(const Draws& d, double& x, double& y) {
  const int k = std::min(7, int(d.u[0] * 8));  // which dark square
  const int row = k / 2, col = 2 * (k % 2) + (row % 2);
  x = -2 + col + d.u[1];
  y = -2 + row + d.u[2];
}
double checkerboard_log_density(double x, double y) {
  if (!(x >= -2 && x < 2 && y >= -2 && y < 2)) return NEG_INF;
  const int col = int(std::floor(x + 2)), row = int(std::floor(y + 2));
  return (row + col) % 2 == 0 ? -std::log(8.0) : NEG_INF;
}

// --- moons: arc 0 (cos t, sin t), arc 1 (1 - cos t, 0.5 - sin t), t uniform on [0, pi]
void moon_point(int arc, double t, double& x, double& y) {
  x = arc == 0 ? std::cos(t) : 1 - std::cos(t);
  y = arc == 0 ? std::sin(t) : 0.5 - std::sin(t);
}
void moons_sample(const Draws& d, double& x, double& y) {
  const int arc = d.u[0] < 0.5 ? 0 : 1;
  moon_point(arc, PI * d.u[1], x, y);
  x += SIGMA * d.normal(1);
  const double r = std::sqrt(-2 * std::log1p(-d.u[2]));
  y += SIGMA * r * std::sin(2 * PI * d.u[3]);
}
double moons_log_density(double x, double y) {
  // p = 1/2 sum_arcs (1/pi) int_0^pi N(x; c(t), sigma^2) dt, Simpson on 4096 panels, the
  // exponent shifted by its maximum so that points far from both arcs keep their digits.
  constexpr int PANELS = 4096;
  const double h = PI / PANELS;
  double best = NEG_INF;
  for (int arc = 0; arc < 2; ++arc)
    for (int k = 0; k <= PANELS; ++k) {
      double cx, cy;
      moon_point(arc, k * h, cx, cy);
      best = std::max(best, log_normal_2d(x - cx, y - cy));
    }
  double sum = 0;
  for (int arc = 0; arc < 2; ++arc)
    for (int k = 0; k <= PANELS; ++k) {
      double cx, cy;
      moon_point(arc, k * h, cx, cy);
      const double w = (k == 0 || k == PANELS) ? 1 : (k % 2 ? 4 : 2);
      sum += w * std::exp(log_normal_2d(x - cx, y - cy) - best);
    }
  return best + std::log(sum * h / 3) - std::log(2 * PI);
}

struct Toy {
  std::function<void(const Draws&, double&, double&)> sample;
  std::function<double(double, double)> log_density;
};

using ToyRegistry = registry::Registry<Toy>;

bool add(const char* name, const char* summary, Toy toy) {
  registry::Description d;
  d.concept = "toy_distribution";
  d.name = name;
  d.summary = summary;
  d.capabilities = {{"log_density", true}};
  d.facts = {{"dimension", 2}, {"sigma", SIGMA}};
  return ToyRegistry::instance().add(d, std::move(toy));
}

const bool registered = add("gaussians8", "eight Gaussians (sigma 0.1) on a circle of radius 2",
                            {gaussians8_sample, gaussians8_log_density}) &&
                        add("ring", "a ring of radius 2, radial spread 0.1", {ring_sample, ring_log_density}) &&
                        add("moons", "two interleaved half circles with noise 0.1 (sklearn's moons)",
                            {moons_sample, moons_log_density}) &&
                        add("checkerboard", "uniform on the dark squares of a 4 x 4 board on [-2, 2]^2",
                            {checkerboard_sample, checkerboard_log_density});

const bool toy_dataset = [] {
  registry::Description d;
  d.concept = "dataset";
  d.name = "toy";
  d.summary = "two-dimensional densities with their exact log-density (--dist)";
  registry::Parameter dist{"dist", "str", "the density (a registered toy_distribution)"};
  registry::Parameter samples{"samples", "int", "points drawn"};
  samples.min = 1;
  samples.max = 100000000;
  d.parameters = {dist, samples};
  d.capabilities = {{"binary", false}, {"log_density", true}};
  registry::detail::add_description(d);
  return true;
}();

}  // namespace

Eigen::MatrixXd toy_sample(const std::string& name, int n, uint64_t seed) {
  const Toy& toy = ToyRegistry::instance().get(name, "--dist");
  if (n < 0) throw std::invalid_argument("sample count must be >= 0");
  const Key key = make_key(seed);
  Eigen::MatrixXd X(n, 2);
  for (int i = 0; i < n; ++i) {
    double x, y;
    toy.sample(draws(key, i, 0), x, y);
    X(i, 0) = x;
    X(i, 1) = y;
  }
  return X;
}

Eigen::VectorXd toy_log_density(const std::string& name, const Eigen::MatrixXd& X) {
  const Toy& toy = ToyRegistry::instance().get(name, "--dist");
  if (X.cols() != 2) throw std::invalid_argument("toy densities live in two dimensions");
  Eigen::VectorXd out(X.rows());
  for (Eigen::Index i = 0; i < X.rows(); ++i) out(i) = toy.log_density(X(i, 0), X(i, 1));
  return out;
}

}  // namespace physml::datasets
