#include "born/training.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace physml::born {

namespace {

// Samples are processed in chunks of this many, whatever the thread count, and chunk sums
// are added in order: the gradient is then the same number on any machine.
constexpr Eigen::Index CHUNK = 512;

Eigen::Index chunks(Eigen::Index n) { return (n + CHUNK - 1) / CHUNK; }

// A sample's partial product shrinks like p^(1/2) and underflows past a few thousand sites;
// each row is kept at unit norm instead. The factor is a per-sample constant of ln |psi|,
// which neither the line search's comparisons nor the gradient L^T R / psi can see.
template <class Row>
void rescale(Row&& row) {
  const double c = row.norm();
  if (c > 0) row /= c;
}

}  // namespace

// The bond (k, k+1) as a local problem: the four blocks M[2 s + t] = A_k^s A_{k+1}^t and,
// for the samples whose (v_k, v_{k+1}) = (s, t), their left and right environments.
struct Trainer::Bond {
  std::array<Eigen::MatrixXd, 4> left, right;  // rows: samples of the block
  double n_samples = 0;
  int threads = 1;

  // -ln p averaged over the samples: ln |M|^2 - 2 <ln |psi|>; +inf where some psi = 0.
  double nll(const std::array<Eigen::MatrixXd, 4>& M) const {
    double z = 0;
    for (const auto& m : M) z += m.squaredNorm();
    double sum_log = 0;
    for (int b = 0; b < 4; ++b) {
      const Eigen::Index rows = left[size_t(b)].rows();
      std::vector<double> part(size_t(chunks(rows)), 0.0);
#pragma omp parallel for schedule(static) num_threads(threads)
      for (Eigen::Index c = 0; c < chunks(rows); ++c) {
        double acc = 0;
        for (Eigen::Index i = c * CHUNK; i < std::min(rows, (c + 1) * CHUNK); ++i) {
          const double psi = (left[size_t(b)].row(i) * M[size_t(b)]).dot(right[size_t(b)].row(i));
          acc += std::log(std::abs(psi));
        }
        part[size_t(c)] = acc;
      }
      for (double p : part) sum_log += p;
    }
    const double value = std::log(z) - 2 * sum_log / n_samples;
    return std::isfinite(value) ? value : std::numeric_limits<double>::infinity();
  }

  // d nll / d M.
  std::array<Eigen::MatrixXd, 4> gradient(const std::array<Eigen::MatrixXd, 4>& M) const {
    double z = 0;
    for (const auto& m : M) z += m.squaredNorm();
    std::array<Eigen::MatrixXd, 4> g;
    for (int b = 0; b < 4; ++b) {
      const auto& L = left[size_t(b)];
      const auto& R = right[size_t(b)];
      const Eigen::Index rows = L.rows();
      std::vector<Eigen::MatrixXd> part(size_t(chunks(rows)));
#pragma omp parallel for schedule(static) num_threads(threads)
      for (Eigen::Index c = 0; c < chunks(rows); ++c) {
        Eigen::MatrixXd acc = Eigen::MatrixXd::Zero(L.cols(), R.cols());
        for (Eigen::Index i = c * CHUNK; i < std::min(rows, (c + 1) * CHUNK); ++i) {
          const double psi = (L.row(i) * M[size_t(b)]).dot(R.row(i));
          acc.noalias() += (L.row(i).transpose() / psi) * R.row(i);
        }
        part[size_t(c)] = std::move(acc);
      }
      g[size_t(b)] = (2 / z) * M[size_t(b)];
      for (const auto& p : part) g[size_t(b)] -= (2 / n_samples) * p;
    }
    return g;
  }
};

Trainer::Trainer(BornMachine machine, Configurations data, int threads)
    : machine_(std::move(machine)), data_(std::move(data)), threads_(threads) {
  const int n = machine_.n_sites();
  if (data_.rows() == 0) throw std::invalid_argument("no training data");
  if (data_.cols() != n)
    throw std::invalid_argument("training data have " + std::to_string(data_.cols()) +
                                " sites, the Born machine " + std::to_string(n));
  if ((data_.array() > 1).any()) throw std::invalid_argument("training data must be 0 or 1");
  if (n < 2) throw std::invalid_argument("two-site training needs at least two sites");
  machine_.right_canonicalize();
  left_.assign(size_t(n + 1), Eigen::MatrixXd());
  right_.assign(size_t(n + 1), Eigen::MatrixXd());
  left_[0] = Eigen::MatrixXd::Ones(data_.rows(), 1);
  right_[size_t(n)] = Eigen::MatrixXd::Ones(data_.rows(), 1);
  for (int k = n - 1; k >= 2; --k) update_right(k);
}

void Trainer::update_left(int k) {
  const SiteTensor& t = machine_.sites()[size_t(k)];
  const Eigen::MatrixXd& L = left_[size_t(k)];
  Eigen::MatrixXd next(L.rows(), t[0].cols());
#pragma omp parallel for schedule(static) num_threads(threads_)
  for (Eigen::Index i = 0; i < L.rows(); ++i) {
    next.row(i) = L.row(i) * t[data_(i, k)];
    rescale(next.row(i));
  }
  left_[size_t(k + 1)] = std::move(next);
}

void Trainer::update_right(int k) {
  const SiteTensor& t = machine_.sites()[size_t(k)];
  const Eigen::MatrixXd& R = right_[size_t(k + 1)];
  Eigen::MatrixXd next(R.rows(), t[0].rows());
#pragma omp parallel for schedule(static) num_threads(threads_)
  for (Eigen::Index i = 0; i < R.rows(); ++i) {
    next.row(i) = (t[data_(i, k)] * R.row(i).transpose()).transpose();
    rescale(next.row(i));
  }
  right_[size_t(k)] = std::move(next);
}

void Trainer::optimize_bond(int k, bool moving_right, const TrainingSettings& s, SweepReport& report) {
  auto& sites = machine_.sites();
  SiteTensor& a = sites[size_t(k)];
  SiteTensor& b = sites[size_t(k + 1)];
  const Eigen::Index dl = a[0].rows(), dr = b[0].cols();

  Bond bond;
  bond.n_samples = double(data_.rows());
  bond.threads = threads_;
  std::array<std::vector<Eigen::Index>, 4> members;
  for (Eigen::Index i = 0; i < data_.rows(); ++i) members[size_t(2 * data_(i, k) + data_(i, k + 1))].push_back(i);
  for (int q = 0; q < 4; ++q) {
    const auto& idx = members[size_t(q)];
    bond.left[size_t(q)].resize(Eigen::Index(idx.size()), dl);
    bond.right[size_t(q)].resize(Eigen::Index(idx.size()), dr);
    for (size_t r = 0; r < idx.size(); ++r) {
      bond.left[size_t(q)].row(Eigen::Index(r)) = left_[size_t(k)].row(idx[r]);
      bond.right[size_t(q)].row(Eigen::Index(r)) = right_[size_t(k + 2)].row(idx[r]);
    }
  }
  std::array<Eigen::MatrixXd, 4> M;
  for (int q = 0; q < 4; ++q) M[size_t(q)] = a[size_t(q / 2)] * b[size_t(q % 2)];

  // Gradient descent with a backtracking line search: a step is taken only if it lowers the
  // likelihood of this bond's problem, so a sweep never makes the fit worse before the cut.
  double value = bond.nll(M);
  for (int step = 0; step < s.descent_steps; ++step) {
    const auto g = bond.gradient(M);
    double length = s.learning_rate;
    for (int tries = 0; tries < 40; ++tries, length *= 0.5) {
      std::array<Eigen::MatrixXd, 4> trial;
      for (int q = 0; q < 4; ++q) trial[size_t(q)] = M[size_t(q)] - length * g[size_t(q)];
      const double v = bond.nll(trial);
      if (v < value) {
        M = std::move(trial);
        value = v;
        break;
      }
      ++report.rejected_steps;
    }
  }

  // [M^{st}] as a (2 dl) x (2 dr) matrix, rows (s, left bond), columns (t, right bond).
  Eigen::MatrixXd theta(2 * dl, 2 * dr);
  for (int q = 0; q < 4; ++q) theta.block((q / 2) * dl, (q % 2) * dr, dl, dr) = M[size_t(q)];
  double discarded = 0;
  tensor::Factors f = tensor::truncated_svd(theta, s.truncation, &discarded);
  const Eigen::Index chi = f.S.size();
  // The kept state renormalised, so that Z = 1 again.
  f.S /= f.S.norm();
  Eigen::MatrixXd left_part = f.U, right_part = f.V.transpose();
  if (moving_right)
    right_part = f.S.asDiagonal() * right_part;
  else
    left_part = left_part * f.S.asDiagonal();
  for (int s0 = 0; s0 < 2; ++s0) {
    a[size_t(s0)] = left_part.block(s0 * dl, 0, dl, chi);
    b[size_t(s0)] = right_part.block(0, s0 * dr, chi, dr);
  }
  report.discarded_weight = std::max(report.discarded_weight, discarded);
  report.largest_bond = std::max(report.largest_bond, int(chi));
}

SweepReport Trainer::sweep(const TrainingSettings& settings) {
  if (settings.learning_rate <= 0 || settings.descent_steps < 0)
    throw std::invalid_argument("learning rate must be > 0 and descent steps >= 0");
  SweepReport report;
  const int n = machine_.n_sites();
  for (int k = 0; k + 1 < n; ++k) {
    optimize_bond(k, true, settings, report);
    update_left(k);
  }
  for (int k = n - 2; k >= 0; --k) {
    optimize_bond(k, false, settings, report);
    update_right(k + 1);
  }
  const Eigen::VectorXd lp = machine_.log_probabilities(data_, threads_);
  report.nll = -lp.mean();
  return report;
}

}  // namespace physml::born
