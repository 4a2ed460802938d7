#pragma once
// The Ising model as a trait for the templated algorithms (mc/spin_models.hpp):
//   H = -J sum_<ij> s_i s_j - h sum_i s_i,  s = +-1.
// Everything the samplers, the energy and the enumeration need to know about one spin.
#include <cmath>
#include <cstdint>
#include <vector>

#include "mc/model.hpp"
#include "rng/xoshiro256.hpp"

namespace physml {

struct IsingSpin {
  static constexpr ModelKind kind = ModelKind::Ising;
  static constexpr const char* name = "ising";
  static constexpr const char* proper_name = "Ising";  // in messages
  static constexpr const char* summary = "H = -J sum_<ij> s_i s_j - h sum_i s_i, s = +-1";
  // sum_i (-1)^colour(i) s_i orders the antiferromagnet on two-colourable lattices.
  static constexpr bool staggered_order = true;
  // At J < 0 the Fortuin-Kasteleyn clusters still exist (bonds join unequal spins).
  static constexpr bool antiferromagnetic_clusters = true;

  double J, h;

  explicit IsingSpin(const Model& m) : J(m.J), h(m.h) {}
  static Model model(double J, double h, int /*q*/) { return Model{kind, J, h, 2}; }
  static std::vector<registry::Parameter> extra_parameters() { return {}; }

  int n_states() const { return 2; }
  // The k-th state in the enumeration's counting order.
  int8_t state(int k) const { return k ? 1 : -1; }
  bool valid(int v) const { return v == 1 || v == -1; }
  int8_t ordered() const { return 1; }
  int8_t random(uint32_t u) const { return (u & 1u) ? 1 : -1; }

  // E = -J * sum bond_term - h * sum field_term
  int bond_term(int8_t a, int8_t b) const { return a * b; }
  int field_term(int8_t a) const { return a; }
  // Signed magnetization per site.
  double order_parameter(const int8_t* s, int n) const {
    int64_t m = 0;
    for (int i = 0; i < n; ++i) m += s[i];
    return double(m) / n;
  }
  double staggered_order_parameter(const int8_t* s, const int32_t* colour, int n) const {
    int64_t sum = 0;
    for (int i = 0; i < n; ++i) sum += colour[i] ? -s[i] : s[i];
    return double(sum) / n;
  }

  // Single-spin moves; nb lists the z neighbours of the site.
  static int local_field(const int8_t* s, const int32_t* nb, int z) {
    int f = 0;
    for (int k = 0; k < z; ++k) f += s[nb[k]];
    return f;
  }
  // The only other state; the draw is left unused.
  int8_t propose(int8_t old, uint32_t /*u*/) const { return int8_t(-old); }
  double delta_energy(const int8_t* s, const int32_t* nb, int z, int8_t old, int8_t /*proposed*/) const {
    return 2.0 * old * (J * local_field(s, nb, z) + h);
  }
  // Two states: the heat-bath choice is a logistic of the field, in closed form. The local
  // field sum takes only 2z + 1 values, so at one beta the probabilities are tabulated once
  // (the same doubles a per-site exp would give) and a site costs a lookup.
  class HeatBath {
   public:
    HeatBath(const IsingSpin& spin, double beta, int z) : z_(z), p_up_(size_t(2 * z + 1)) {
      for (int f = -z; f <= z; ++f) {
        const double field = spin.J * f + spin.h;
        p_up_[size_t(f + z)] = 1.0 / (1.0 + std::exp(-2.0 * beta * field));
      }
    }
    int8_t operator()(const int8_t* s, const int32_t* nb, double x) const {
      return x < p_up_[size_t(local_field(s, nb, z_) + z_)] ? 1 : -1;
    }

   private:
    int z_;
    std::vector<double> p_up_;
  };
  HeatBath heat_bath_at(double beta, int z) const { return HeatBath(*this, beta, z); }

  // Fortuin-Kasteleyn clusters (h = 0). A bond is satisfied when J s_i s_j > 0.
  double bond_probability(double beta) const { return 1.0 - std::exp(-2.0 * beta * std::abs(J)); }
  bool satisfied(int8_t a, int8_t b) const { return J > 0 ? a == b : a != b; }
  bool clusters_alternate() const { return J < 0; }
  static int8_t flipped(int8_t a) { return int8_t(-a); }
  // The state a Wolff cluster of `old` spins turns to.
  int8_t other_state(int8_t old, Xoshiro256& /*rng*/) const { return int8_t(-old); }
  // Swendsen-Wang: each cluster is flipped with probability 1/2, which works for
  // patterned (antiferromagnetic) clusters too; the move is the factor +-1.
  int8_t cluster_move(uint32_t u) const { return (u & 1u) ? -1 : 1; }
  int8_t moved(int8_t a, int8_t move) const { return int8_t(a * move); }
};

}  // namespace physml
