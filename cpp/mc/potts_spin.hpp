#pragma once
// The q-state Potts model as a trait for the templated algorithms (mc/spin_models.hpp):
//   H = -J sum_<ij> delta(s_i, s_j) - h sum_i delta(s_i, 0),  s = 0..q-1.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "mc/boltzmann_choice.hpp"
#include "mc/model.hpp"
#include "rng/xoshiro256.hpp"

namespace physml {

struct PottsSpin {
  static constexpr ModelKind kind = ModelKind::Potts;
  static constexpr const char* name = "potts";
  static constexpr const char* proper_name = "Potts";  // in messages
  static constexpr const char* summary =
      "H = -J sum_<ij> delta(s_i, s_j) - h sum_i delta(s_i, 0), s = 0..q-1";
  static constexpr bool staggered_order = false;
  // Bonds between unequal states carry no Fortuin-Kasteleyn weight at J < 0.
  static constexpr bool antiferromagnetic_clusters = false;
  // Spins are int8 and the heat bath keeps its weights on the stack.
  static constexpr int max_q = 127;

  double J, h;
  int q;

  explicit PottsSpin(const Model& m) : J(m.J), h(m.h), q(m.q) {}
  static Model model(double J, double h, int q) {
    if (q < 2 || q > max_q) throw std::invalid_argument("Potts q must be between 2 and 127");
    return Model{kind, J, h, q};
  }
  static std::vector<registry::Parameter> extra_parameters() {
    return {{"q", "int", "states per spin", 2, max_q}};
  }

  int n_states() const { return q; }
  int8_t state(int k) const { return int8_t(k); }
  bool valid(int v) const { return v >= 0 && v < q; }
  int8_t ordered() const { return 0; }
  int8_t random(uint32_t u) const { return int8_t((uint64_t(u) * q) >> 32); }

  int bond_term(int8_t a, int8_t b) const { return a == b; }
  int field_term(int8_t a) const { return a == 0; }
  // (q * max_k n_k / N - 1) / (q - 1): 0 when all states are equally filled, 1 when ordered.
  double order_parameter(const int8_t* s, int n) const {
    int64_t counts[max_q + 1] = {};
    for (int i = 0; i < n; ++i) counts[s[i]]++;
    int64_t top = counts[0];
    for (int k = 1; k < q; ++k) top = std::max(top, counts[k]);
    return (double(q) * double(top) / n - 1.0) / (q - 1);
  }

  // Neighbours of the site in `state`.
  static int count(const int8_t* s, const int32_t* nb, int z, int state) {
    int c = 0;
    for (int k = 0; k < z; ++k) c += s[nb[k]] == state;
    return c;
  }
  // Uniform among the q - 1 other states, from one 32-bit draw.
  int8_t propose(int8_t old, uint32_t u) const {
    const uint32_t shift = 1 + uint32_t((uint64_t(u) * uint32_t(q - 1)) >> 32);
    return int8_t((old + shift) % q);
  }
  double delta_energy(const int8_t* s, const int32_t* nb, int z, int8_t old, int8_t proposed) const {
    const int dn = count(s, nb, z, proposed) - count(s, nb, z, old);
    return -J * dn - h * (int(proposed == 0) - int(old == 0));
  }
  // The heat bath over q states, from the neighbour counts of each state at one beta.
  class HeatBath {
   public:
    HeatBath(const PottsSpin& spin, double beta, int z) : spin_(spin), beta_(beta), z_(z) {}
    int8_t operator()(const int8_t* s, const int32_t* nb, double x) const {
      double logw[max_q + 1];
      for (int k = 0; k < spin_.q; ++k)
        logw[k] = beta_ * (spin_.J * count(s, nb, z_, k) + spin_.h * (k == 0));
      return int8_t(choose_by_log_weight(logw, spin_.q, x));
    }

   private:
    const PottsSpin& spin_;
    double beta_;
    int z_;
  };
  HeatBath heat_bath_at(double beta, int z) const { return HeatBath(*this, beta, z); }

  // Fortuin-Kasteleyn clusters (h = 0, J > 0): bonds join equal states.
  double bond_probability(double beta) const { return 1.0 - std::exp(-beta * J); }
  bool satisfied(int8_t a, int8_t b) const { return a == b; }
  bool clusters_alternate() const { return false; }
  int8_t other_state(int8_t old, Xoshiro256& rng) const {
    return int8_t((old + 1 + rng.below(uint32_t(q - 1))) % q);
  }
  // Swendsen-Wang: every cluster takes any of the q states; the move is that state.
  int8_t cluster_move(uint32_t u) const { return int8_t((uint64_t(u) * uint32_t(q)) >> 32); }
  int8_t moved(int8_t /*a*/, int8_t move) const { return move; }
};

}  // namespace physml
