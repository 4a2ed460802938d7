#include "ed/sector.hpp"

#include <cmath>
#include <stdexcept>

#include "registry/registry.hpp"

namespace physml {

namespace {

// A point-group map as the integer matrix acting on cell coordinates.
struct PointMatrix {
  int d = 1;
  int m[3][3] = {};
  PointMatrix operator*(const PointMatrix& o) const {
    PointMatrix r;
    r.d = d;
    for (int i = 0; i < d; ++i)
      for (int j = 0; j < d; ++j)
        for (int k = 0; k < d; ++k) r.m[i][j] += m[i][k] * o.m[k][j];
    return r;
  }
  int det() const {
    if (d == 1) return m[0][0];
    if (d == 2) return m[0][0] * m[1][1] - m[0][1] * m[1][0];
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
           m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  }
  bool diagonal() const {
    for (int i = 0; i < d; ++i)
      for (int j = 0; j < d; ++j)
        if (i != j && m[i][j] != 0) return false;
    return true;
  }
};

using Character = double (*)(const PointMatrix&);

// One-dimensional irreps by their characters; B1 and B2 are those of C4v (square lattice),
// where the reflections through the axes (diagonal matrices) are sigma_v.
double a1(const PointMatrix&) { return 1; }
double a2(const PointMatrix& p) { return p.det(); }
double b1(const PointMatrix& p) { return p.diagonal() ? 1 : -1; }
double b2(const PointMatrix& p) { return p.det() * b1(p); }

const bool irreps = registry::add_values<Character>("irrep", {
    {"A1", "even under every point-group map (the chain: even under reflection)", a1},
    {"A2", "odd under reflections, even under rotations (the chain: odd under reflection)", a2},
    {"B1", "square lattice: odd under 90-degree rotations and the diagonal reflections", b1},
    {"B2", "square lattice: odd under 90-degree rotations and the axis reflections", b2},
});

const std::vector<std::string> kIrrepOrder = {"A1", "A2", "B1", "B2"};

int wrap(int v, int L) { return ((v % L) + L) % L; }

PointMatrix matrix_of(const Lattice& lat, const SiteMap& p) {
  PointMatrix out;
  out.d = lat.dimension();
  const int L = lat.linear_size();
  for (int a = 0; a < out.d; ++a) {
    std::array<int, 3> unit{0, 0, 0};
    unit[size_t(a)] = 1;
    const std::array<int, 3> y = lat.cell_of(p[size_t(lat.site(unit, 0))]);
    for (int r = 0; r < out.d; ++r) out.m[r][a] = y[size_t(r)] > L / 2 ? y[size_t(r)] - L : y[size_t(r)];
  }
  return out;
}

std::vector<PointMatrix> point_matrices(const Lattice& lat, const std::vector<SiteMap>& group) {
  std::vector<PointMatrix> out;
  for (const SiteMap& p : group) out.push_back(matrix_of(lat, p));
  return out;
}

// The point group a sector may use: periodic one-site lattices of L >= 3 (for L = 2 distinct
// maps coincide as permutations).
std::vector<SiteMap> usable_point_group(const Lattice& lat) {
  if (lat.linear_size() < 3) throw std::invalid_argument("the point group needs a linear size of at least 3");
  const std::vector<SiteMap> group = lat.point_group();
  if (group.size() < 2) throw std::invalid_argument("the " + lat.name() + " lattice has no point group here (it needs "
                                                   "periodic boundaries and one site per cell)");
  return group;
}

bool is_homomorphism(Character chi, const std::vector<PointMatrix>& group) {
  for (const PointMatrix& p : group)
    for (const PointMatrix& q : group)
      if (chi(p * q) != chi(p) * chi(q)) return false;
  return true;
}

std::string momentum_label(const std::vector<int>& n, int L, int d) {
  auto one = [L](int v) {
    if (v == 0) return std::string("0");
    if (2 * v == L) return std::string("pi");
    char buf[32];
    std::snprintf(buf, sizeof buf, "%gpi", 2.0 * v / L);
    return std::string(buf);
  };
  if (d == 1) return "k = " + one(n[0]);
  std::string s = "k = (";
  for (int a = 0; a < d; ++a) s += (a ? ", " : "") + one(n[size_t(a)]);
  return s + ")";
}

}  // namespace

std::vector<std::string> point_group_irreps(const Lattice& lat) {
  const std::vector<PointMatrix> group = point_matrices(lat, usable_point_group(lat));
  std::vector<std::string> out;
  std::vector<std::vector<double>> seen;
  for (const std::string& name : kIrrepOrder) {
    const Character chi = registry::Registry<Character>::instance().get(name, "irrep");
    if (!is_homomorphism(chi, group)) continue;
    std::vector<double> values;
    for (const PointMatrix& p : group) values.push_back(chi(p));
    bool repeat = false;
    for (const auto& v : seen) repeat = repeat || v == values;
    if (repeat) continue;
    seen.push_back(values);
    out.push_back(name);
  }
  return out;
}

std::vector<std::vector<int>> invariant_momenta(const Lattice& lat) {
  const int L = lat.linear_size(), d = lat.dimension();
  const std::vector<PointMatrix> group = point_matrices(lat, usable_point_group(lat));
  std::vector<std::vector<int>> out;
  int count = 1;
  for (int a = 0; a < d; ++a) count *= L;
  for (int code = 0; code < count; ++code) {
    std::vector<int> n(static_cast<size_t>(d));
    for (int a = 0, c = code; a < d; ++a, c /= L) n[size_t(a)] = c % L;
    bool invariant = true;
    for (const PointMatrix& p : group)
      for (int a = 0; a < d; ++a) {
        int v = 0;
        for (int b = 0; b < d; ++b) v += p.m[b][a] * n[size_t(b)];  // M^T n
        invariant = invariant && wrap(v - n[size_t(a)], L) == 0;
      }
    if (invariant) out.push_back(n);
  }
  return out;
}

Sector make_sector(const Lattice& lat, const SectorChoice& c) {
  const int L = lat.linear_size(), d = lat.dimension(), N = lat.n_sites();
  const bool point = c.symmetries == "lattice";
  if (!point && c.symmetries != "translations")
    registry::unknown("symmetry_group", "--symmetries", c.symmetries);
  std::vector<int> n = c.momentum.empty() ? std::vector<int>(size_t(d), 0) : c.momentum;
  if (int(n.size()) != d) throw std::invalid_argument("the momentum needs one component per lattice axis");
  for (int a = 0; a < d; ++a) {
    if (n[size_t(a)] < 0 || n[size_t(a)] >= L) throw std::invalid_argument("momentum components are integers 0 .. L-1");
    if (n[size_t(a)] != 0 && lat.boundaries()[size_t(a)] == Boundary::Open)
      throw std::invalid_argument("an open axis has no momentum");
  }
  if (c.spin_flip != 0 && c.spin_flip != 1 && c.spin_flip != -1) throw std::invalid_argument("the spin flip eigenvalue is +1 or -1");
  Sector out;
  out.translations = lat.translations();
  SiteMap identity(static_cast<size_t>(N));
  for (int i = 0; i < N; ++i) identity[size_t(i)] = i;
  out.point_group = {identity};
  std::vector<double> point_character{1.0};
  std::string irrep_label;
  if (point) {
    out.point_group = usable_point_group(lat);
    const std::vector<PointMatrix> mats = point_matrices(lat, out.point_group);
    bool known = false;
    for (const std::string& name : point_group_irreps(lat)) known = known || name == c.irrep;
    const Character chi = registry::Registry<Character>::instance().get(c.irrep, "--irrep");
    if (!known)
      throw std::invalid_argument("irrep " + c.irrep + " is not a one-dimensional irrep of the " + lat.name() +
                                  " lattice's point group");
    bool invariant = false;
    for (const auto& k : invariant_momenta(lat)) invariant = invariant || k == n;
    if (!invariant)
      throw std::invalid_argument("the point group does not leave this momentum invariant (use --symmetries translations)");
    point_character.clear();
    for (const PointMatrix& p : mats) point_character.push_back(chi(p));
    irrep_label = ", " + c.irrep;
  }
  for (size_t pi = 0; pi < out.point_group.size(); ++pi)
    for (const SiteMap& t : out.translations) {
      const std::array<int, 3> x = lat.cell_of(t[0]);
      double phase = 0;
      for (int a = 0; a < d; ++a) phase += 2.0 * M_PI * n[size_t(a)] * x[size_t(a)] / L;
      SymmetryOp g;
      g.sites.resize(size_t(N));
      const SiteMap& p = out.point_group[pi];
      for (int i = 0; i < N; ++i) g.sites[size_t(i)] = t[size_t(p[size_t(i)])];
      // exact signs at k = 0 and pi, so that those sectors stay real
      const long half_turns = std::lround(phase / M_PI);
      g.character = std::abs(phase - half_turns * M_PI) < 1e-12 ? std::complex<double>(half_turns % 2 ? -1.0 : 1.0)
                                                               : std::polar(1.0, phase);
      g.character *= point_character[pi];
      out.group.push_back(g);
    }
  if (c.spin_flip != 0) {
    const size_t plain = out.group.size();
    for (size_t e = 0; e < plain; ++e) {
      SymmetryOp g = out.group[e];
      g.flip = true;
      g.character *= double(c.spin_flip);
      out.group.push_back(std::move(g));
    }
  }
  if (lat.bipartite()) out.blocks = lat.colors();
  out.label = momentum_label(n, L, d) + irrep_label +
              (c.spin_flip ? (c.spin_flip > 0 ? ", spin flip +1" : ", spin flip -1") : "");
  return out;
}

bool sign_rule_sector(const Lattice& lat, const SpinHamiltonian& H, SectorChoice& c) {
  const int d = lat.dimension();
  bool stoquastic = H.transverse <= 0;
  for (const SpinBond& b : H.bonds) stoquastic = stoquastic && b.flip <= 0;
  if (stoquastic) {
    c.momentum.assign(size_t(d), 0);
    c.irrep = "A1";
    if (c.spin_flip) c.spin_flip = 1;
    return true;
  }
  if (!lat.bipartite() || H.transverse != 0 || c.n_up < 0) return false;
  const std::vector<int32_t>& color = lat.colors();
  for (const SpinBond& b : H.bonds)
    if ((b.flip > 0 && color[size_t(b.i)] == color[size_t(b.j)]) || (b.flip < 0 && color[size_t(b.i)] != color[size_t(b.j)]))
      return false;
  // A map that swaps the sublattices changes the Marshall sign by (-1)^(up spins).
  auto swaps = [&](const SiteMap& g) { return color[size_t(g[0])] != color[0]; };
  const bool odd = c.n_up % 2 == 1;
  const int L = lat.linear_size();
  c.momentum.assign(size_t(d), 0);
  for (int a = 0; a < d; ++a) {
    if (lat.boundaries()[size_t(a)] == Boundary::Open) continue;
    std::array<int, 3> unit{0, 0, 0};
    unit[size_t(a)] = 1;
    const int s = lat.site(unit, 0);
    for (const SiteMap& t : lat.translations())
      if (t[0] == s && swaps(t) && odd) c.momentum[size_t(a)] = L / 2;
  }
  for (const SiteMap& t : lat.translations()) {
    const std::array<int, 3> x = lat.cell_of(t[0]);
    int half_turns = 0;
    for (int a = 0; a < d; ++a) half_turns += c.momentum[size_t(a)] ? x[size_t(a)] : 0;
    if ((half_turns % 2 == 1) != (swaps(t) && odd)) return false;
  }
  if (c.symmetries == "lattice") {
    for (const SiteMap& p : usable_point_group(lat))
      for (int i = 0; i < lat.n_sites(); ++i)
        if (color[size_t(p[size_t(i)])] != color[size_t(i)]) return false;
    c.irrep = "A1";
  }
  if (c.spin_flip) {
    int a = 0;
    for (int32_t col : color) a += col == 0;
    c.spin_flip = a % 2 ? -1 : 1;  // flipping every spin: (-1)^|A| on the Marshall sign
  }
  return true;
}

}  // namespace physml
