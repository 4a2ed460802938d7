#include "dmrg/mpo.hpp"

#include <map>
#include <stdexcept>
#include <tuple>

namespace physml::dmrg {

namespace {

// Pauli matrices in the basis (down, up), as (out, in, value) lists.
struct LocalOperator {
  std::vector<std::tuple<int, int, double>> elements;
  int charge = 0;  // n(out) - n(in)
};
enum Pauli { kIdentity, kZ, kRaise, kLower, kX };
const LocalOperator& pauli(int p) {
  static const LocalOperator ops[] = {
      {{{0, 0, 1.0}, {1, 1, 1.0}}, 0},   // 1
      {{{0, 0, -1.0}, {1, 1, 1.0}}, 0},  // sz
      {{{1, 0, 1.0}}, +1},               // s+ = |up><down|
      {{{0, 1, 1.0}}, -1},               // s-
      {{{0, 1, 1.0}, {1, 0, 1.0}}, 0},   // sx
  };
  return ops[p];
}

// A two-site term coefficient * left_op(i) right_op(j), i < j.
struct Term {
  int i, j, left, right;
  double coefficient;
};

}  // namespace

MPO spin_mpo(const SpinHamiltonian& H) {
  const int n = H.n_sites;
  if (n < 2) throw std::invalid_argument("dmrg needs at least 2 sites");
  MPO W;
  W.n = n;
  W.charges.conserved = H.conserves_magnetization();
  std::vector<Term> terms;
  for (const SpinBond& b : H.bonds) {
    if (b.i == b.j) throw std::invalid_argument("dmrg: a bond joins a site to itself");
    const int i = std::min(b.i, b.j), j = std::max(b.i, b.j);
    if (b.zz != 0) terms.push_back({i, j, kZ, kZ, b.zz});
    // sx sx + sy sy = 2 (s+ s- + s- s+)
    if (b.flip != 0) {
      terms.push_back({i, j, kRaise, kLower, 2 * b.flip});
      terms.push_back({i, j, kLower, kRaise, 2 * b.flip});
    }
  }
  // Open channels at each cut c (left of site c): (site, operator) of terms with i < c <= j.
  std::vector<std::map<std::pair<int, int>, int>> open(size_t(n) + 1);
  for (const Term& t : terms)
    for (int c = t.i + 1; c <= t.j; ++c) open[size_t(c)][{t.i, t.left}] = 0;
  W.channel_charge.resize(size_t(n) + 1);
  W.start.assign(size_t(n) + 1, -1);
  W.done.assign(size_t(n) + 1, -1);
  auto charge_of = [&](int op) { return W.charges.conserved ? pauli(op).charge : 0; };
  for (int c = 0; c <= n; ++c) {
    auto& q = W.channel_charge[size_t(c)];
    if (c < n) {
      W.start[size_t(c)] = int(q.size());
      q.push_back(0);
    }
    if (c > 0) {
      W.done[size_t(c)] = int(q.size());
      q.push_back(0);
    }
    for (auto& [key, index] : open[size_t(c)]) {
      index = int(q.size());
      q.push_back(charge_of(key.second));
    }
  }
  W.sites.resize(size_t(n));
  for (int k = 0; k < n; ++k) {
    auto& el = W.sites[size_t(k)];
    auto place = [&](int a, int b, int op, double coefficient) {
      for (const auto& [out, in, v] : pauli(op).elements) el.push_back({a, b, out, in, coefficient * v});
    };
    const int start_l = W.start[size_t(k)], start_r = W.start[size_t(k) + 1];
    const int done_l = W.done[size_t(k)], done_r = W.done[size_t(k) + 1];
    if (start_r >= 0) place(start_l, start_r, kIdentity, 1.0);
    if (done_l >= 0) place(done_l, done_r, kIdentity, 1.0);
    if (H.transverse != 0) place(start_l, done_r, kX, H.transverse);
    for (const auto& [key, index] : open[size_t(k) + 1]) {
      if (key.first == k) place(start_l, index, key.second, 1.0);
      else place(open[size_t(k)].at(key), index, kIdentity, 1.0);
    }
    for (const Term& t : terms)
      if (t.j == k) place(open[size_t(k)].at({t.i, t.left}), done_r, t.right, t.coefficient);
  }
  return W;
}

MPO squared(const MPO& W) {
  MPO S;
  S.n = W.n;
  S.charges = W.charges;
  S.channel_charge.resize(W.channel_charge.size());
  S.start.resize(W.start.size());
  S.done.resize(W.done.size());
  for (size_t c = 0; c < W.channel_charge.size(); ++c) {
    const auto& q = W.channel_charge[c];
    const int D = int(q.size());
    for (int a = 0; a < D; ++a)
      for (int b = 0; b < D; ++b) S.channel_charge[c].push_back(q[size_t(a)] + q[size_t(b)]);
    S.start[c] = W.start[c] < 0 ? -1 : W.start[c] * D + W.start[c];
    S.done[c] = W.done[c] < 0 ? -1 : W.done[c] * D + W.done[c];
  }
  S.sites.resize(W.sites.size());
  for (int k = 0; k < W.n; ++k) {
    const int Dl = W.channels(k), Dr = W.channels(k + 1);
    (void)Dl;
    for (const MPOElement& e1 : W.sites[size_t(k)])
      for (const MPOElement& e2 : W.sites[size_t(k)])
        if (e1.in == e2.out)
          S.sites[size_t(k)].push_back({e1.a * Dl + e2.a, e1.b * Dr + e2.b, e1.out, e2.in, e1.value * e2.value});
  }
  return S;
}

MPO shifted(const MPO& W, double constant) {
  MPO S = W;
  for (int k = 0; k < W.n; ++k)
    for (int s = 0; s < kLocalDim; ++s)
      S.sites[size_t(k)].push_back({W.start[size_t(k)], W.done[size_t(k) + 1], s, s, constant / W.n});
  return S;
}

Eigen::VectorXd MPO::apply_dense(const Eigen::VectorXd& psi) const {
  if (n > 20) throw std::invalid_argument("mpo: a dense product needs n <= 20");
  const long dim = long(1) << n;
  if (psi.size() != dim) throw std::invalid_argument("mpo: the vector has the wrong length");
  // T[a]: sites < k already acted on, channel a open at cut k.
  std::vector<Eigen::VectorXd> T(1, psi);
  for (int k = 0; k < n; ++k) {
    std::vector<Eigen::VectorXd> next(size_t(channels(k + 1)), Eigen::VectorXd::Zero(dim));
    const long bit = long(1) << k;
    for (const MPOElement& e : sites[size_t(k)])
      for (long c = 0; c < dim; ++c)
        if (((c & bit) != 0) == (e.in == 1)) {
          const long to = e.out == 1 ? (c | bit) : (c & ~bit);
          next[size_t(e.b)](to) += e.value * T[size_t(e.a)](c);
        }
    T = std::move(next);
  }
  return T[0];
}

}  // namespace physml::dmrg
