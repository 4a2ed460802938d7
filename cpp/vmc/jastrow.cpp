#include "vmc/jastrow.hpp"

#include <cmath>

namespace physml::vmc {

template <class T>
class JastrowAnsatz<T>::JastrowWalker final : public Walker<T> {
 public:
  explicit JastrowWalker(const JastrowAnsatz& m) : m_(m) {}

  void reset(const Config& s) override {
    this->s_ = s;
    field_ = m_.J_ * as_vector<T>(s);
  }

  T ratio(int i, int j) override {
    const double si = this->s_[size_t(i)];
    if (j < 0) return std::exp(-2.0 * si * field_[i]);
    const double sj = this->s_[size_t(j)];
    return std::exp(-2.0 * (si * field_[i] + sj * field_[j]) + 4.0 * si * sj * m_.J_(i, j));
  }

  void flip(int i, int j) override {
    for (int k : {i, j}) {
      if (k < 0) continue;
      field_ -= (2.0 * this->s_[size_t(k)]) * m_.J_.col(k);
      this->s_[size_t(k)] = int8_t(-this->s_[size_t(k)]);
    }
  }

  void log_derivatives(T* out) override {
    const int n = int(this->s_.size());
    long k = 0;
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j < n; ++j) out[k++] = T(this->s_[size_t(i)] * this->s_[size_t(j)]);
  }

 private:
  const JastrowAnsatz& m_;
  Vector<T> field_;
};

template <class T>
JastrowAnsatz<T>::JastrowAnsatz(int n_sites) : J_(Matrix::Zero(n_sites, n_sites)) {
  this->n_sites_ = n_sites;
}

template <class T>
Vector<T> JastrowAnsatz<T>::parameters() const {
  Vector<T> p(n_params());
  long k = 0;
  for (int i = 0; i < this->n_sites_; ++i)
    for (int j = i + 1; j < this->n_sites_; ++j) p[k++] = J_(i, j);
  return p;
}

template <class T>
void JastrowAnsatz<T>::set_parameters(const Vector<T>& p) {
  long k = 0;
  for (int i = 0; i < this->n_sites_; ++i)
    for (int j = i + 1; j < this->n_sites_; ++j) J_(i, j) = J_(j, i) = p[k++];
}

template <class T>
std::unique_ptr<Walker<T>> JastrowAnsatz<T>::walker() const {
  return std::make_unique<JastrowWalker>(*this);
}

template <class T>
T JastrowAnsatz<T>::log_psi(const Config& s) const {
  T out(0);
  for (int i = 0; i < this->n_sites_; ++i)
    for (int j = i + 1; j < this->n_sites_; ++j) out += J_(i, j) * double(s[size_t(i)] * s[size_t(j)]);
  return out;
}

template class JastrowAnsatz<double>;
template class JastrowAnsatz<std::complex<double>>;

}  // namespace physml::vmc
