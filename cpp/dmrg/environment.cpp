#include "dmrg/environment.hpp"

namespace physml::dmrg {

Environment boundary_environment() {
  Environment e;
  e.block.assign(1, std::vector<Eigen::MatrixXd>(1, Eigen::MatrixXd::Identity(1, 1)));
  return e;
}

namespace {

// The shared body of the left and right block operators: E (channels at the near cut) and
// W's elements (a: near channel, b: far channel for the left side; reversed for the right)
// placed into (bra group, ket group) blocks of the fused leg. `bond` is the bond E lives on.
template <bool Left>
BlockOperator block_operator(const Environment& E, const MPO& W, const MPS& psi, int k, const BondSpace& bond,
                             const Fused& leg, int threads) {
  const int near_cut = Left ? k : k + 1, far_cut = Left ? k + 1 : k;
  const auto& near_charge = W.channel_charge[size_t(near_cut)];
  const int far = W.channels(far_cut);
  const int groups = leg.groups.sectors();
  BlockOperator out;
  out.block.assign(size_t(far), std::vector<Eigen::MatrixXd>(size_t(groups)));
  out.bra.assign(size_t(far), std::vector<int>(size_t(groups), -1));
  const auto& elements = W.sites[size_t(k)];
#pragma omp parallel for schedule(dynamic) num_threads(threads)
  for (int b = 0; b < far; ++b) {
    for (const MPOElement& e : elements) {
      const int near_channel = Left ? e.a : e.b, far_channel = Left ? e.b : e.a;
      if (far_channel != b) continue;
      const auto& env = E.block[size_t(near_channel)];
      for (int l = 0; l < bond.sectors(); ++l) {
        if (env.size() <= size_t(l) || env[size_t(l)].size() == 0) continue;
        const int lb = bond.find(bond.charges[size_t(l)] + near_charge[size_t(near_channel)]);
        const int g = leg.group[size_t(l)][size_t(e.in)];
        if (lb < 0 || g < 0) continue;
        const int gb = leg.group[size_t(lb)][size_t(e.out)];
        if (gb < 0) continue;
        auto& M = out.block[size_t(b)][size_t(g)];
        if (M.size() == 0) {
          M = Eigen::MatrixXd::Zero(leg.groups.dims[size_t(gb)], leg.groups.dims[size_t(g)]);
          out.bra[size_t(b)][size_t(g)] = gb;
        }
        M.block(leg.offset[size_t(lb)][size_t(e.out)], leg.offset[size_t(l)][size_t(e.in)], bond.dims[size_t(lb)],
                bond.dims[size_t(l)]) += e.value * env[size_t(l)];
      }
    }
  }
  (void)psi;
  return out;
}

}  // namespace

BlockOperator left_block_operator(const Environment& L, const MPO& W, const MPS& psi, int k, const Fused& rows,
                                  int threads) {
  return block_operator<true>(L, W, psi, k, psi.bonds[size_t(k)], rows, threads);
}

BlockOperator right_block_operator(const Environment& R, const MPO& W, const MPS& psi, int k, const Fused& cols,
                                   int threads) {
  return block_operator<false>(R, W, psi, k, psi.bonds[size_t(k) + 1], cols, threads);
}

Environment grow_left(const BlockOperator& LW, const Fused& rows, const MPO& W, const MPS& psi, int k, int threads) {
  const Blocks A = psi.left_fused(k);
  const BondSpace& bond = psi.bonds[size_t(k) + 1];
  const int channels = W.channels(k + 1);
  Environment out;
  out.block.assign(size_t(channels), std::vector<Eigen::MatrixXd>(size_t(bond.sectors())));
#pragma omp parallel for schedule(dynamic) num_threads(threads)
  for (int b = 0; b < channels; ++b)
    for (int g = 0; g < rows.groups.sectors(); ++g) {
      const Eigen::MatrixXd& M = LW.block[size_t(b)][size_t(g)];
      if (M.size() == 0) continue;
      const int ket = A.find(rows.groups.charges[size_t(g)]);
      const int bra = A.find(rows.groups.charges[size_t(LW.bra[size_t(b)][size_t(g)])]);
      if (ket < 0 || bra < 0) continue;
      const int m = bond.find(A.charges[size_t(ket)]);
      out.block[size_t(b)][size_t(m)].noalias() = A.m[size_t(bra)].transpose() * (M * A.m[size_t(ket)]);
    }
  return out;
}

Environment grow_right(const BlockOperator& RW, const Fused& cols, const MPO& W, const MPS& psi, int k, int threads) {
  const Blocks B = psi.right_fused(k);
  const BondSpace& bond = psi.bonds[size_t(k)];
  const int channels = W.channels(k);
  Environment out;
  out.block.assign(size_t(channels), std::vector<Eigen::MatrixXd>(size_t(bond.sectors())));
#pragma omp parallel for schedule(dynamic) num_threads(threads)
  for (int b = 0; b < channels; ++b)
    for (int g = 0; g < cols.groups.sectors(); ++g) {
      const Eigen::MatrixXd& M = RW.block[size_t(b)][size_t(g)];
      if (M.size() == 0) continue;
      const int ket = B.find(cols.groups.charges[size_t(g)]);
      const int bra = B.find(cols.groups.charges[size_t(RW.bra[size_t(b)][size_t(g)])]);
      if (ket < 0 || bra < 0) continue;
      const int m = bond.find(B.charges[size_t(ket)]);
      out.block[size_t(b)][size_t(m)].noalias() = B.m[size_t(bra)] * (M * B.m[size_t(ket)].transpose());
    }
  return out;
}

}  // namespace physml::dmrg
