#include "vmc/parity.hpp"

#include <cmath>
#include <stdexcept>
#include <type_traits>

namespace physml::vmc {

namespace {
Config flipped(const Config& s) {
  Config out(s);
  for (int8_t& x : out) x = int8_t(-x);
  return out;
}

// log(1 + p e^x) for the weight of the partner configuration, without overflow
// With real parameters the amplitudes are positive and psi_p is real but of either sign:
// log |psi_p| then, the sign entering through the ratios.
template <class T>
T log_one_plus(double p, T x) {
  using std::exp;
  using std::log;
  using std::real;
  T y = real(x) > 0 ? T(p) + exp(-x) : T(1) + p * exp(x);
  if constexpr (std::is_same_v<T, double>) y = std::abs(y);
  return (real(x) > 0 ? x : T(0)) + log(y);
}
}  // namespace

template <class T>
class ParityProjected<T>::ProjectedWalker final : public Walker<T> {
 public:
  explicit ProjectedWalker(const ParityProjected& m)
      : m_(m), here_(m.psi_->walker()), there_(m.psi_->walker()), o_(m.psi_->n_params()) {}

  void reset(const Config& s) override {
    this->s_ = s;
    here_->reset(s);
    const Config minus = flipped(s);
    there_->reset(minus);
    log_c_ = m_.psi_->log_psi(minus) - m_.psi_->log_psi(s);
  }

  T ratio(int i, int j) override {
    const T r = here_->ratio(i, j), r_minus = there_->ratio(i, j);
    return (r + partner() * r_minus) / (T(1) + partner());
  }

  void flip(int i, int j) override {
    const T r = here_->ratio(i, j), r_minus = there_->ratio(i, j);
    log_c_ += std::log(r_minus) - std::log(r);
    here_->flip(i, j);
    there_->flip(i, j);
    this->s_[size_t(i)] = int8_t(-this->s_[size_t(i)]);
    if (j >= 0) this->s_[size_t(j)] = int8_t(-this->s_[size_t(j)]);
  }

  void log_derivatives(T* out) override {
    here_->log_derivatives(out);
    there_->log_derivatives(o_.data());
    // weights 1 and p c of the two terms, normalised: p c / (1 + p c) = 1 / (1 + p / c)
    const T w = T(1) / (T(1) + m_.parity_ * std::exp(-log_c_));
    for (long k = 0; k < o_.size(); ++k) out[k] += w * (o_[k] - out[k]);
  }

 private:
  T partner() const { return m_.parity_ * std::exp(log_c_); }

  const ParityProjected& m_;
  std::unique_ptr<Walker<T>> here_, there_;
  Vector<T> o_;
  T log_c_ = T(0);
};

template <class T>
ParityProjected<T>::ParityProjected(std::unique_ptr<Ansatz<T>> psi, int parity)
    : psi_(std::move(psi)), parity_(parity) {
  if (parity != 1 && parity != -1) throw std::invalid_argument("--parity must be +1 or -1");
  this->n_sites_ = psi_->n_sites();
}

template <class T>
std::unique_ptr<Walker<T>> ParityProjected<T>::walker() const {
  return std::make_unique<ProjectedWalker>(*this);
}

template <class T>
T ParityProjected<T>::log_psi(const Config& s) const {
  const T here = psi_->log_psi(s);
  return here + log_one_plus(parity_, psi_->log_psi(flipped(s)) - here);
}

template class ParityProjected<double>;
template class ParityProjected<std::complex<double>>;

}  // namespace physml::vmc
