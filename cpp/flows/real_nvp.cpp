#include "flows/real_nvp.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "flows/spline.hpp"
#include "rng/philox.hpp"

namespace physml::flows {

using autodiff::Tape;
using autodiff::Var;

namespace {
constexpr double LOG_2PI = 1.8378770664093454836;

// Rows are evaluated in chunks of exactly this many (the last one padded with zeros), so a
// tape never holds more than a chunk's activations and every row goes through the same
// products whatever the number of rows: the first rows of a larger draw are the smaller
// draw, bit for bit (a matrix product's last, partial, register block rounds differently).
constexpr Eigen::Index CHUNK = 1024;

Matrix padded(const Matrix& U, Eigen::Index first) {
  Matrix part = Matrix::Zero(CHUNK, U.cols());
  const Eigen::Index rows = std::min(CHUNK, U.rows() - first);
  part.topRows(rows) = U.middleRows(first, rows);
  return part;
}

}  // namespace

RealNVP::RealNVP(FlowShape shape, Row shift, Row spread)
    : shape_(std::move(shape)), shift_(std::move(shift)), spread_(std::move(spread)) {
  const int d = shape_.dim;
  if (d < 2) throw std::invalid_argument("a coupling flow needs at least two dimensions");
  if (shape_.layers < 1) throw std::invalid_argument("a flow needs at least one layer");
  if (shift_.size() != d || spread_.size() != d)
    throw std::invalid_argument("standardisation does not match the dimension");
  if (!shift_.allFinite() || !(spread_.array() > 0).all() || !spread_.allFinite())
    throw std::invalid_argument("standardisation spread must be positive and finite");
  const std::string arch = conditioner_architecture();
  for (int k = 0; k < shape_.layers; ++k) {
    nets_.emplace_back(arch, autodiff::InputShape{1, 1, d});
    Matrix kept(1, d), moved(1, d);
    for (int j = 0; j < d; ++j) {
      const bool first_half = 2 * j < d;
      kept(0, j) = (first_half == (k % 2 == 0)) ? 1.0 : 0.0;
      moved(0, j) = 1.0 - kept(0, j);
    }
    kept_.push_back(kept);
    moved_.push_back(moved);
    if (shape_.coupling == Coupling::Affine) {
      autodiff::Parameter<double> p;
      p.value = Matrix::Ones(1, d);
      log_scale_limits_.push_back(p);
    }
  }
}

std::string RealNVP::conditioner_architecture() const {
  std::string a;
  for (int h : shape_.hidden) {
    if (h < 1) throw std::invalid_argument("hidden widths must be >= 1");
    a += "dense:" + std::to_string(h) + "," + shape_.activation + ",";
  }
  const int out = shape_.coupling == Coupling::Affine   ? 2 * shape_.dim
                  : shape_.coupling == Coupling::Spline ? SPLINE_PARAMETERS * shape_.dim
                                                        : shape_.dim;
  return a + "dense:" + std::to_string(out);
}

void RealNVP::initialize(uint64_t seed) {
  for (size_t k = 0; k < nets_.size(); ++k) {
    nets_[k].initialize(autodiff::Init::Auto, splitmix64(seed + 0x9E37ull * (k + 1)));
    auto& p = nets_[k].parameters();
    p[p.size() - 2].value.setZero();
    p[p.size() - 1].value.setZero();
  }
  for (auto& l : log_scale_limits_) l.value.setOnes();
}

std::vector<autodiff::Parameter<double>*> RealNVP::trainable_parameters() {
  std::vector<autodiff::Parameter<double>*> out;
  for (size_t k = 0; k < nets_.size(); ++k) {
    for (auto& p : nets_[k].parameters()) out.push_back(&p);
    if (shape_.coupling == Coupling::Affine) out.push_back(&log_scale_limits_[k]);
  }
  return out;
}

std::vector<Matrix> RealNVP::parameters() const {
  std::vector<Matrix> out;
  for (size_t k = 0; k < nets_.size(); ++k) {
    for (const auto& p : nets_[k].parameters()) out.push_back(p.value);
    if (shape_.coupling == Coupling::Affine) out.push_back(log_scale_limits_[k].value);
  }
  return out;
}

void RealNVP::set_parameters(const std::vector<Matrix>& arrays) {
  auto targets = trainable_parameters();
  if (arrays.size() != targets.size())
    throw std::invalid_argument("the flow has " + std::to_string(targets.size()) +
                                " parameter arrays, got " + std::to_string(arrays.size()));
  for (size_t i = 0; i < arrays.size(); ++i) {
    if (arrays[i].rows() != targets[i]->value.rows() || arrays[i].cols() != targets[i]->value.cols())
      throw std::invalid_argument("parameter array " + std::to_string(i) + " has the wrong shape");
    if (!arrays[i].allFinite()) throw std::invalid_argument("parameter array " + std::to_string(i) + " is not finite");
    targets[i]->value = arrays[i];
  }
}

std::pair<Var, Var> RealNVP::to_base(Tape<double>& t, Var u, const std::vector<Var>& params) const {
  const int d = shape_.dim;
  // the coupling layers' ln|det| per row, starting from the standardisation's -sum ln spread
  Var log_det = t.record(Matrix::Constant(t.value(u).rows(), 1, -spread_.array().log().sum()), false, nullptr);
  size_t at = 0;
  for (size_t k = 0; k < nets_.size(); ++k) {
    const size_t n_net = nets_[k].parameters().size();
    const std::vector<Var> net_params(params.begin() + long(at), params.begin() + long(at + n_net));
    at += n_net;
    const Var kept = t.constant(kept_[k]), moved = t.constant(moved_[k]);
    const Var h = nets_[k].forward(t, autodiff::multiply_rows(t, u, kept), net_params, false, 0, 0);
    if (shape_.coupling == Coupling::Affine) {
      const Var limit = params[at++];
      // s = limit o tanh(raw): bounded log-scales keep early training from blowing up
      Var s = autodiff::activate(t, autodiff::columns(t, h, 0, d), autodiff::Activation::Tanh);
      s = autodiff::multiply_rows(t, autodiff::multiply_rows(t, s, limit), moved);
      const Var shift = autodiff::multiply_rows(t, autodiff::columns(t, h, d, d), moved);
      u = autodiff::add(t, autodiff::multiply(t, u, autodiff::exponential(t, s)), shift);
      log_det = autodiff::add(t, log_det, autodiff::row_sum(t, s));
    } else if (shape_.coupling == Coupling::Spline) {
      const Var z = spline_transform(t, u, h, moved_[k]);
      u = autodiff::columns(t, z, 0, d);
      log_det = autodiff::add(t, log_det, autodiff::columns(t, z, d, 1));
    } else {
      u = autodiff::add(t, u, autodiff::multiply_rows(t, h, moved));
    }
  }
  return {u, log_det};
}

Var RealNVP::log_prob(Tape<double>& t, Var u, const std::vector<Var>& params) const {
  const auto [z, log_det] = to_base(t, u, params);
  // ln N(z; 0, 1) + ln|det|, row by row
  const Var lq = autodiff::add(t, autodiff::scale(t, autodiff::row_sum(t, autodiff::multiply(t, z, z)), -0.5), log_det);
  const Matrix c = Matrix::Constant(t.value(lq).rows(), 1, -0.5 * shape_.dim * LOG_2PI);
  return autodiff::add(t, lq, t.record(Matrix(c), false, nullptr));
}

Matrix RealNVP::to_base(const Matrix& X, Eigen::VectorXd& log_det, int threads) const {
  const Matrix U = standardise(X);
  const std::vector<Matrix> values = parameters();
  Matrix Z(U.rows(), U.cols());
  log_det.resize(U.rows());
  for (Eigen::Index b = 0; b < U.rows(); b += CHUNK) {
    const Eigen::Index rows = std::min(CHUNK, U.rows() - b);
    const Matrix part = padded(U, b);
    Tape<double> t(threads);
    std::vector<Var> params;
    for (const Matrix& v : values) params.push_back(t.constant(v));
    const auto [z, ld] = to_base(t, t.constant(part), params);
    Z.middleRows(b, rows) = t.value(z).topRows(rows);
    log_det.segment(b, rows) = t.value(ld).col(0).head(rows);
  }
  return Z;
}

Matrix RealNVP::standardise(const Matrix& X) const {
  if (X.cols() != shape_.dim)
    throw std::invalid_argument("data have " + std::to_string(X.cols()) + " columns, the flow " +
                                std::to_string(shape_.dim));
  return (X.rowwise() - shift_).array().rowwise() / spread_.array();
}


Eigen::VectorXd RealNVP::log_prob(const Matrix& X, int threads) const {
  Eigen::VectorXd log_det;
  const Matrix Z = to_base(X, log_det, threads);
  return (-0.5 * Z.rowwise().squaredNorm().array() - 0.5 * shape_.dim * LOG_2PI).matrix() + log_det;
}

Matrix RealNVP::sample(int n, uint64_t seed, Eigen::VectorXd& log_q, int threads) const {
  if (n < 0) throw std::invalid_argument("sample count must be >= 0");
  const int d = shape_.dim;
  const Key key = make_key(seed);
  Matrix U(n, d);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < d; j += 2) {  // Box-Muller: two normals per Philox block
      const Counter c = draw(key, uint32_t(i), 0x3Fu, uint64_t(j / 2));
      const double r = std::sqrt(-2 * std::log1p(-to_unit(c[0], c[1])));
      const double a = 6.283185307179586 * to_unit(c[2], c[3]);
      U(i, j) = r * std::cos(a);
      if (j + 1 < d) U(i, j + 1) = r * std::sin(a);
    }
  Eigen::VectorXd log_det;
  const Matrix X = from_base(U, log_det, threads);
  log_q = (-0.5 * U.rowwise().squaredNorm().array() - 0.5 * d * LOG_2PI).matrix() + log_det;
  return X;
}

Matrix RealNVP::from_base(const Matrix& Z, Eigen::VectorXd& log_det, int threads) const {
  const int d = shape_.dim;
  if (Z.cols() != d) throw std::invalid_argument("base points have the wrong dimension");
  Matrix U = Z;
  log_det = Eigen::VectorXd::Constant(Z.rows(), -spread_.array().log().sum());
  const std::vector<Matrix> values = parameters();
  const bool affine = shape_.coupling == Coupling::Affine;
  for (Eigen::Index b = 0; b < U.rows(); b += CHUNK) {
    const Eigen::Index rows = std::min(CHUNK, U.rows() - b);
    Matrix V = padded(U, b);
    Eigen::VectorXd lq = Eigen::VectorXd::Zero(CHUNK);
    // back through the layers: u = (v - t(b o v)) o exp(-s(b o v)), since b o u = b o v
    size_t at = values.size();
    for (size_t k = nets_.size(); k-- > 0;) {
      const size_t n_net = nets_[k].parameters().size();
      const size_t first = at - n_net - (affine ? 1 : 0);
      Tape<double> t(threads);
      std::vector<Var> net_params;
      for (size_t i = first; i < first + n_net; ++i) net_params.push_back(t.constant(values[i]));
      const Matrix kept_part = V.array().rowwise() * kept_[k].row(0).array();
      const Matrix h = t.value(nets_[k].forward(t, t.constant(kept_part), net_params, false, 0, 0));
      const auto moved = moved_[k].row(0).array();
      if (affine) {
        Matrix s = h.leftCols(d);
        autodiff::apply_activation<double>(autodiff::Activation::Tanh, h.leftCols(d), s);
        s = (s.array().rowwise() * (values[at - 1].row(0).array() * moved)).matrix();
        const Matrix shift = (h.rightCols(d).array().rowwise() * moved).matrix();
        V = ((V - shift).array() * (-s.array()).exp()).matrix();
        lq += s.rowwise().sum();
      } else if (shape_.coupling == Coupling::Spline) {
        for (Eigen::Index r = 0; r < CHUNK; ++r)
          for (int j = 0; j < d; ++j) {
            if (moved_[k](0, j) == 0) continue;
            double x, log_slope;
            spline_inverse(V(r, j), &h(r, j * SPLINE_PARAMETERS), x, log_slope);
            V(r, j) = x;
            lq(r) += log_slope;
          }
      } else {
        V -= (h.array().rowwise() * moved).matrix();
      }
      at = first;
    }
    U.middleRows(b, rows) = V.topRows(rows);
    log_det.segment(b, rows) += lq.head(rows);
  }
  return (U.array().rowwise() * spread_.array()).matrix().rowwise() + shift_;
}

}  // namespace physml::flows
