#include "renormalization/site_tensor.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace physml::renormalization {

SiteTensor site_tensor(const SquareModel& m, double beta) {
  const int q = m.kind == SpinKind::Ising ? 2 : m.q;
  if (q < 2) throw std::invalid_argument("Potts q must be >= 2 (got " + std::to_string(q) + ")");
  auto bond = [&](int a, int b) {
    return m.kind == SpinKind::Ising ? double((a == 0 ? 1 : -1) * (b == 0 ? 1 : -1)) : double(a == b);
  };
  auto field = [&](int a) { return m.kind == SpinKind::Ising ? double(a == 0 ? 1 : -1) : double(a == 0); };

  Eigen::MatrixXd logw(q, q);
  for (int a = 0; a < q; ++a)
    for (int b = 0; b < q; ++b) logw(a, b) = beta * m.J * bond(a, b);
  const double bond_max = logw.maxCoeff();
  Eigen::VectorXd logf(q);
  for (int a = 0; a < q; ++a) logf(a) = beta * m.h * field(a);
  const double field_max = logf.maxCoeff();

  // W is symmetric but not positive at J < 0: the eigenvalues' signs go to B.
  const Eigen::MatrixXd W = (logw.array() - bond_max).exp().matrix();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(W);
  const Eigen::VectorXd lam = eig.eigenvalues();
  Eigen::MatrixXd A = eig.eigenvectors(), B = eig.eigenvectors();
  for (int k = 0; k < q; ++k) {
    const double r = std::sqrt(std::abs(lam(k)));
    A.col(k) *= r;
    B.col(k) *= lam(k) < 0 ? -r : r;
  }

  SiteTensor out;
  out.t = Tensor({q, q, q, q});
  for (int s = 0; s < q; ++s) {
    const double w = std::exp(logf(s) - field_max);
    size_t i = 0;
    for (int l = 0; l < q; ++l)
      for (int r = 0; r < q; ++r)
        for (int u = 0; u < q; ++u)
          for (int d = 0; d < q; ++d) out.t.data[i++] += w * B(s, l) * A(s, r) * B(s, u) * A(s, d);
  }
  out.log_scale = 2 * bond_max + field_max;  // two bonds per site
  return out;
}

}  // namespace physml::renormalization
