#include "dmrg/dmrg.hpp"

#include <stdexcept>
#include <string>

#include "ed/lanczos.hpp"

namespace physml::dmrg {

DMRG::DMRG(MPO W, MPS psi, int threads) : W_(std::move(W)), psi_(std::move(psi)), threads_(threads) {
  if (W_.n != psi_.n) throw std::invalid_argument("dmrg: the state and the Hamiltonian have different lengths");
  if (W_.charges.conserved != psi_.charges.conserved)
    throw std::invalid_argument("dmrg: the state's symmetry does not match the Hamiltonian's");
}

namespace {

// R[j] for j = n .. 2 from the right-canonical sites; R[j] holds sites j..n-1.
std::vector<Environment> right_environments(const MPO& W, const MPS& psi, int threads) {
  std::vector<Environment> R(size_t(psi.n) + 1);
  R[size_t(psi.n)] = boundary_environment();
  for (int j = psi.n - 1; j >= 2; --j) {
    const Fused cols = Fused::right(psi.bonds[size_t(j) + 1], psi.charges, psi.bonds[size_t(j)].charges);
    const BlockOperator RW = right_block_operator(R[size_t(j) + 1], W, psi, j, cols, threads);
    R[size_t(j)] = grow_right(RW, cols, W, psi, j, threads);
  }
  return R;
}

// The lowest state of the two-site problem, from theta as the start.
double solve_local(TwoSite& step, const SweepSettings& s, int threads, SweepReport& report) {
  const long n = step.size();
  Eigen::VectorXd start = step.theta.flatten();
  const double norm = start.norm();
  if (norm == 0) {
    start = lanczos::random_start<Eigen::VectorXd>(n, uint64_t(step.k), threads);
  } else {
    start /= norm;
  }
  Eigen::VectorXd ground;
  auto apply = [&](const Eigen::VectorXd& v, Eigen::VectorXd& w) { step.apply(v, w, threads); };
  const lanczos::Spectrum spec =
      lanczos::lowest(n, apply, start, 1, s.lanczos_tol, s.lanczos_steps, threads, &ground, long(s.lanczos_steps));
  report.lanczos_steps += spec.iterations;
  report.lanczos_converged = report.lanczos_converged && spec.converged;
  step.theta.assign(ground);
  return spec.energies.at(0);
}

}  // namespace

SweepReport DMRG::sweep(const SweepSettings& s) {
  const int n = psi_.n;
  SweepReport report;
  std::vector<Environment> R = right_environments(W_, psi_, threads_);
  std::vector<Environment> L(size_t(n) + 1);
  L[0] = boundary_environment();
  auto step_at = [&](int k, bool toward_right) {
    TwoSite step = two_site(psi_, W_, k, L[size_t(k)], R[size_t(k) + 2], threads_);
    report.energy = solve_local(step, s, threads_, report);
    const Cut cut = cut_two_site(step, psi_, W_, toward_right, s.truncation, s.mixer, threads_);
    report.discarded_weight = std::max(report.discarded_weight, cut.discarded_weight);
    if (toward_right)
      L[size_t(k) + 1] = grow_left(step.LW, step.rows, W_, psi_, k, threads_);
    else
      R[size_t(k) + 1] = grow_right(step.RW, step.cols, W_, psi_, k + 1, threads_);
  };
  for (int k = 0; k + 2 < n; ++k) step_at(k, true);
  for (int k = n - 2; k >= 0; --k) step_at(k, false);
  report.largest_bond = psi_.largest_bond();
  return report;
}

namespace {

// <psi|O|psi> for an MPO O, contracted from the right end to bond 0.
double expectation(const MPO& O, const MPS& psi, int threads) {
  Environment R = boundary_environment();
  for (int j = psi.n - 1; j >= 0; --j) {
    const Fused cols = Fused::right(psi.bonds[size_t(j) + 1], psi.charges, psi.bonds[size_t(j)].charges);
    const BlockOperator RW = right_block_operator(R, O, psi, j, cols, threads);
    R = grow_right(RW, cols, O, psi, j, threads);
  }
  const auto& b = R.block.at(0).at(0);
  return b.size() ? b(0, 0) : 0.0;
}

}  // namespace

double DMRG::energy() const { return expectation(W_, psi_, threads_); }

double DMRG::energy_squared() const { return expectation(squared(W_), psi_, threads_); }

double DMRG::variance() const { return expectation(squared(shifted(W_, -energy())), psi_, threads_); }

std::vector<Eigen::VectorXd> DMRG::schmidt_values() const {
  MPS phi = psi_;
  std::vector<Eigen::VectorXd> out;
  for (int k = 0; k + 1 < phi.n; ++k) {
    const Fused rows = Fused::left(phi.bonds[size_t(k)], phi.charges, phi.bonds[size_t(k) + 1].charges);
    const Blocks A = phi.left_fused(k);
    Blocks U, carry;
    U.charges = carry.charges = A.charges;
    std::vector<double> s;
    for (const auto& m : A.m) {
      tensor::Factors f = tensor::thin_svd(m);
      U.m.push_back(f.U);
      carry.m.push_back(f.S.asDiagonal() * f.V.transpose());
      for (long i = 0; i < f.S.size(); ++i) s.push_back(f.S(i));
    }
    // The next site absorbs S V^T: its left sectors keep their charges, their size may shrink.
    const Blocks B = phi.right_fused(k + 1);
    const Fused cols = Fused::right(phi.bonds[size_t(k) + 2], phi.charges, phi.bonds[size_t(k) + 1].charges);
    Blocks next;
    next.charges = B.charges;
    for (size_t i = 0; i < B.charges.size(); ++i) {
      const int c = carry.find(B.charges[i]);
      next.m.push_back(c >= 0 ? Eigen::MatrixXd(carry.m[size_t(c)] * B.m[i]) : Eigen::MatrixXd(0, B.m[i].cols()));
    }
    phi.set_left_fused(k, U, rows);
    phi.set_right_fused(k + 1, next, cols);
    std::sort(s.begin(), s.end(), std::greater<double>());
    out.push_back(Eigen::Map<Eigen::VectorXd>(s.data(), long(s.size())));
  }
  return out;
}

namespace {

// Transfer matrices from the left: E[l] (bra sector x ket sector) for each sector l of the
// bond, both with the same charge (the operators here are diagonal in the charge except sx,
// which only the unconserved case measures).
using Transfer = std::vector<Eigen::MatrixXd>;

Transfer left_boundary() { return Transfer(1, Eigen::MatrixXd::Identity(1, 1)); }

// E' = sum_{s', s} O(s', s) M[s']^T E M[s]; O given as a 2x2 matrix (out, in).
Transfer transfer(const Transfer& E, const MPS& psi, int k, const Eigen::Matrix2d& O) {
  const BondSpace& left = psi.bonds[size_t(k)];
  const BondSpace& right = psi.bonds[size_t(k) + 1];
  Transfer out(size_t(right.sectors()));
  for (int r = 0; r < right.sectors(); ++r) out[size_t(r)] = Eigen::MatrixXd::Zero(right.dims[size_t(r)], right.dims[size_t(r)]);
  for (int l = 0; l < left.sectors(); ++l)
    for (int in = 0; in < kLocalDim; ++in)
      for (int o = 0; o < kLocalDim; ++o) {
        if (O(o, in) == 0) continue;
        const int r = psi.right_sector(k, l, in), ro = psi.right_sector(k, l, o);
        if (r < 0 || r != ro) continue;
        const auto& Mi = psi.sites[size_t(k)].block[size_t(in)][size_t(l)];
        const auto& Mo = psi.sites[size_t(k)].block[size_t(o)][size_t(l)];
        out[size_t(r)].noalias() += O(o, in) * (Mo.transpose() * E[size_t(l)] * Mi);
      }
  return out;
}

double trace(const Transfer& E) {
  double t = 0;
  for (const auto& m : E) t += m.trace();
  return t;
}

const Eigen::Matrix2d kIdentity = Eigen::Matrix2d::Identity();
const Eigen::Matrix2d kSz = (Eigen::Matrix2d() << -1, 0, 0, 1).finished();
const Eigen::Matrix2d kSx = (Eigen::Matrix2d() << 0, 1, 1, 0).finished();

}  // namespace

// Between sweeps sites 1..n-1 are right-canonical, so whatever stands right of the last
// operator contracts to the identity and a trace ends every expectation value.
std::vector<double> DMRG::zz_correlations(int r) const {
  if (r < 0 || r >= psi_.n) throw std::invalid_argument("dmrg: reference site out of range");
  Transfer E = left_boundary();
  for (int k = 0; k < r; ++k) E = transfer(E, psi_, k, kIdentity);
  std::vector<double> out{trace(transfer(E, psi_, r, kIdentity))};
  E = transfer(E, psi_, r, kSz);
  for (int j = r + 1; j < psi_.n; ++j) {
    out.push_back(trace(transfer(E, psi_, j, kSz)));
    E = transfer(E, psi_, j, kIdentity);
  }
  return out;
}

namespace {

std::vector<double> one_site(const MPS& psi, const Eigen::Matrix2d& O) {
  std::vector<double> out;
  Transfer E = left_boundary();
  for (int j = 0; j < psi.n; ++j) {
    out.push_back(trace(transfer(E, psi, j, O)));
    E = transfer(E, psi, j, kIdentity);
  }
  return out;
}

}  // namespace

std::vector<double> DMRG::sz() const { return one_site(psi_, kSz); }

std::vector<double> DMRG::sx() const {
  if (psi_.charges.conserved) return std::vector<double>(size_t(psi_.n), 0.0);
  return one_site(psi_, kSx);
}

MPS spread_product_state(int n, int n_up, bool conserve) {
  if (n < 2) throw std::invalid_argument("dmrg needs at least 2 sites");
  if (n_up < 0 || n_up > n) throw std::invalid_argument("dmrg: up spins out of range");
  std::vector<int> states(static_cast<size_t>(n));
  for (int k = 0; k < n; ++k) states[size_t(k)] = (long(k + 1) * n_up) / n > (long(k) * n_up) / n ? 1 : 0;
  return MPS::product(states, conserve);
}

std::vector<Eigen::VectorXd> mps_blocks(const MPS& psi) {
  std::vector<Eigen::VectorXd> out;
  for (int k = 0; k < psi.n; ++k) {
    std::vector<double> v;
    for (int s = 0; s < kLocalDim; ++s)
      for (const auto& m : psi.sites[size_t(k)].block[size_t(s)]) v.insert(v.end(), m.data(), m.data() + m.size());
    out.push_back(Eigen::Map<Eigen::VectorXd>(v.data(), long(v.size())));
  }
  return out;
}

MPS mps_from_blocks(int n, bool conserve, const std::vector<std::vector<int>>& charges,
                    const std::vector<std::vector<int>>& dims, const std::vector<Eigen::VectorXd>& data) {
  auto bad = [](const std::string& why) { return std::invalid_argument("saved MPS: " + why); };
  if (n < 2 || charges.size() != size_t(n) + 1 || dims.size() != charges.size() || data.size() != size_t(n))
    throw bad("wrong number of bonds or sites");
  MPS psi;
  psi.n = n;
  psi.charges.conserved = conserve;
  for (size_t b = 0; b <= size_t(n); ++b) {
    if (charges[b].size() != dims[b].size() || charges[b].empty()) throw bad("bond " + std::to_string(b) + " is malformed");
    for (size_t i = 0; i < dims[b].size(); ++i)
      if (dims[b][i] < 1 || (i > 0 && charges[b][i] <= charges[b][i - 1]))
        throw bad("bond " + std::to_string(b) + " is malformed");
    if (!conserve && (charges[b].size() != 1 || charges[b][0] != 0)) throw bad("bond " + std::to_string(b) + " is malformed");
    psi.bonds.push_back({charges[b], dims[b]});
  }
  if (psi.bonds[0].total() != 1 || psi.bonds[size_t(n)].total() != 1) throw bad("the end bonds must have dimension 1");
  psi.sites.resize(size_t(n));
  for (int k = 0; k < n; ++k) {
    long at = 0;
    const auto& v = data[size_t(k)];
    for (int s = 0; s < kLocalDim; ++s) {
      auto& blocks = psi.sites[size_t(k)].block[size_t(s)];
      blocks.assign(size_t(psi.bonds[size_t(k)].sectors()), Eigen::MatrixXd());
      for (int l = 0; l < psi.bonds[size_t(k)].sectors(); ++l) {
        const int r = psi.right_sector(k, l, s);
        if (r < 0) continue;
        const long rows = psi.bonds[size_t(k)].dims[size_t(l)], cols = psi.bonds[size_t(k) + 1].dims[size_t(r)];
        if (at + rows * cols > v.size()) throw bad("site " + std::to_string(k) + " has too few coefficients");
        blocks[size_t(l)] = Eigen::Map<const Eigen::MatrixXd>(v.data() + at, rows, cols);
        at += rows * cols;
      }
    }
    if (at != v.size()) throw bad("site " + std::to_string(k) + " has too many coefficients");
    if (!v.allFinite()) throw bad("site " + std::to_string(k) + " holds non-finite numbers");
  }
  return psi;
}

}  // namespace physml::dmrg
