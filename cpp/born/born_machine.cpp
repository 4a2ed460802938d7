#include "born/born_machine.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "rng/philox.hpp"

namespace physml::born {

BornMachine::BornMachine(int n_sites) {
  if (n_sites < 1) throw std::invalid_argument("a Born machine needs at least one site");
  const double a = std::sqrt(0.5);
  sites_.assign(size_t(n_sites), SiteTensor{Eigen::MatrixXd::Constant(1, 1, a),
                                            Eigen::MatrixXd::Constant(1, 1, a)});
}

BornMachine::BornMachine(std::vector<SiteTensor> sites) : sites_(std::move(sites)) {
  if (sites_.empty()) throw std::invalid_argument("a Born machine needs at least one site");
  Eigen::Index left = 1;
  for (size_t k = 0; k < sites_.size(); ++k) {
    const auto& t = sites_[k];
    if (t[0].rows() != left || t[1].rows() != left || t[0].cols() != t[1].cols() || t[0].cols() < 1)
      throw std::invalid_argument("site " + std::to_string(k) + ": tensor shapes do not chain");
    if (!t[0].allFinite() || !t[1].allFinite())
      throw std::invalid_argument("site " + std::to_string(k) + ": tensor is not finite");
    left = t[0].cols();
  }
  if (left != 1) throw std::invalid_argument("the last site's right bond must have dimension 1");
}

std::vector<int> BornMachine::bond_dims() const {
  std::vector<int> d{1};
  for (const auto& t : sites_) d.push_back(int(t[0].cols()));
  return d;
}

double BornMachine::log_norm() const {
  // E <- sum_s A^s^T E A^s, rescaled each site so that long chains neither overflow nor
  // underflow.
  Eigen::MatrixXd E = Eigen::MatrixXd::Ones(1, 1);
  double log_z = 0;
  for (const auto& t : sites_) {
    Eigen::MatrixXd next = t[0].transpose() * E * t[0] + t[1].transpose() * E * t[1];
    const double c = next.norm();
    if (!(c > 0)) return -std::numeric_limits<double>::infinity();
    E = next / c;
    log_z += std::log(c);
  }
  return log_z + std::log(E(0, 0));
}

Eigen::VectorXd BornMachine::log_probabilities(const Configurations& v, int threads) const {
  if (v.cols() != n_sites())
    throw std::invalid_argument("configurations have " + std::to_string(v.cols()) +
                                " sites, the Born machine " + std::to_string(n_sites()));
  if ((v.array() > 1).any()) throw std::invalid_argument("configurations must be 0 or 1");
  const double log_z = log_norm();
  const Eigen::Index n = v.rows();
  Eigen::VectorXd out(n);
#pragma omp parallel for schedule(static) num_threads(threads)
  for (Eigen::Index i = 0; i < n; ++i) {
    Eigen::RowVectorXd l = Eigen::RowVectorXd::Ones(1);
    double log_amp = 0;
    for (int k = 0; k < n_sites(); ++k) {
      l = (l * sites_[size_t(k)][v(i, k)]).eval();
      const double c = l.norm();
      if (!(c > 0)) {
        log_amp = -std::numeric_limits<double>::infinity();
        break;
      }
      l /= c;
      log_amp += std::log(c);
    }
    out(i) = 2 * log_amp - log_z;
  }
  return out;
}

void BornMachine::right_canonicalize() {
  // From the right: [A^0 A^1] = R^T Q^T with Q^T's rows orthonormal; Q^T becomes the site,
  // R^T moves into the site on its left.
  for (int k = n_sites() - 1; k > 0; --k) {
    SiteTensor& t = sites_[size_t(k)];
    const Eigen::Index dl = t[0].rows(), dr = t[0].cols();
    Eigen::MatrixXd M(dl, 2 * dr);
    M << t[0], t[1];
    Eigen::HouseholderQR<Eigen::MatrixXd> qr(M.transpose());
    const Eigen::Index d = std::min(dl, 2 * dr);
    const Eigen::MatrixXd Q = qr.householderQ() * Eigen::MatrixXd::Identity(2 * dr, d);
    const Eigen::MatrixXd R = qr.matrixQR().topRows(d).triangularView<Eigen::Upper>();
    const Eigen::MatrixXd Qt = Q.transpose();
    t[0] = Qt.leftCols(dr);
    t[1] = Qt.rightCols(dr);
    SiteTensor& left = sites_[size_t(k - 1)];
    left[0] = (left[0] * R.transpose()).eval();
    left[1] = (left[1] * R.transpose()).eval();
  }
  SiteTensor& first = sites_[0];
  const double norm = std::sqrt(first[0].squaredNorm() + first[1].squaredNorm());
  if (!(norm > 0)) throw std::invalid_argument("the Born machine's state is zero");
  first[0] /= norm;
  first[1] /= norm;
}

Configurations BornMachine::sample(int n, uint64_t seed, int threads) const {
  if (n < 0) throw std::invalid_argument("sample count must be >= 0");
  BornMachine canonical(*this);
  canonical.right_canonicalize();
  const auto& s = canonical.sites_;
  const Key key = make_key(seed);
  Configurations out(n, n_sites());
#pragma omp parallel for schedule(static) num_threads(threads)
  for (int i = 0; i < n; ++i) {
    // With the rest right-canonical, p(v_k | v_<k) is |l A^{v_k}|^2 / |l|^2.
    Eigen::RowVectorXd l = Eigen::RowVectorXd::Ones(1);
    for (int k = 0; k < n_sites(); ++k) {
      const Eigen::RowVectorXd l0 = l * s[size_t(k)][0], l1 = l * s[size_t(k)][1];
      const double p0 = l0.squaredNorm(), p1 = l1.squaredNorm();
      const Counter c = draw(key, uint32_t(i), uint32_t(k), 0);
      const bool up = to_unit(c[0], c[1]) * (p0 + p1) >= p0;
      out(i, k) = uint8_t(up);
      l = up ? l1 / std::sqrt(p1) : l0 / std::sqrt(p0);
    }
  }
  return out;
}

}  // namespace physml::born
