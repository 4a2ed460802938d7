#include "vmc/rbm_symm.hpp"

#include <stdexcept>

namespace physml::vmc {

template <class T>
class RbmSymmAnsatz<T>::SymmWalker final : public Walker<T> {
 public:
  explicit SymmWalker(const RbmSymmAnsatz& m) : m_(m), rbm_(m.tied_.walker()) {}

  void reset(const Config& s) override {
    this->s_ = s;
    rbm_->reset(s);
  }
  T ratio(int i, int j) override { return rbm_->ratio(i, j); }
  void ratios(const std::vector<Flip>& flips, T* out) override { rbm_->ratios(flips, out); }
  void flip(int i, int j) override {
    rbm_->flip(i, j);
    this->s_[size_t(i)] = int8_t(-this->s_[size_t(i)]);
    if (j >= 0) this->s_[size_t(j)] = int8_t(-this->s_[size_t(j)]);
  }
  void log_derivatives(T* out) override { m_.tie(RbmAnsatz<T>::hidden_tanh(*rbm_), this->s_, out); }

 private:
  const RbmSymmAnsatz& m_;
  std::unique_ptr<Walker<T>> rbm_;
};

namespace {
std::vector<std::vector<int32_t>> checked(std::vector<std::vector<int32_t>> group, int n) {
  if (group.empty()) throw std::invalid_argument("a symmetric wave function needs a symmetry group");
  for (const auto& g : group) {
    std::vector<char> hit(size_t(n), 0);
    if (int(g.size()) != n) throw std::invalid_argument("a symmetry does not map the lattice's sites");
    for (int32_t j : g) {
      if (j < 0 || j >= n || hit[size_t(j)]) throw std::invalid_argument("a symmetry is not a permutation of the sites");
      hit[size_t(j)] = 1;
    }
  }
  return group;
}
}  // namespace

template <class T>
RbmSymmAnsatz<T>::RbmSymmAnsatz(int n_sites, int features, std::vector<std::vector<int32_t>> group)
    : features_(features),
      group_(checked(std::move(group), n_sites)),
      tied_(n_sites, features * int(group_.size())) {
  if (features < 1) throw std::invalid_argument("--alpha must give at least one feature map");
  this->n_sites_ = n_sites;
  set_parameters(Vector<T>::Zero(n_params()));
}

template <class T>
Vector<T> RbmSymmAnsatz<T>::untie(const Vector<T>& p) const {
  const long n = this->n_sites_, h = long(features_) * long(group_.size());
  Vector<T> u = Vector<T>::Zero(n + h + h * n);
  u.head(n).setConstant(p[0]);
  for (int f = 0; f < features_; ++f) {
    const T* filter = p.data() + 1 + features_ + long(f) * n;
    for (int g = 0; g < int(group_.size()); ++g) {
      const long k = hidden(f, g);
      u[n + k] = p[1 + f];
      T* w = u.data() + n + h + k;  // W(k, j) sits at k + j h
      for (long i = 0; i < n; ++i) w[long(group_[size_t(g)][size_t(i)]) * h] = filter[i];
    }
  }
  return u;
}

// d log psi / d W_f[i] = sum_g tanh(theta_fg) s_g(i): the untied RBM's derivative of every
// copy of W_f[i], summed, without forming the untied ones (N alpha |G| numbers per walker).
template <class T>
void RbmSymmAnsatz<T>::tie(const Eigen::Array<T, Eigen::Dynamic, 1>& t, const Config& s, T* out) const {
  const long n = this->n_sites_;
  T a = T(0);
  for (long j = 0; j < n; ++j) a += T(s[size_t(j)]);
  out[0] = a;
  for (int f = 0; f < features_; ++f) {
    T b = T(0);
    T* filter = out + 1 + features_ + long(f) * n;
    for (long i = 0; i < n; ++i) filter[i] = T(0);
    for (int g = 0; g < int(group_.size()); ++g) {
      const T tg = t[hidden(f, g)];
      b += tg;
      const int32_t* to = group_[size_t(g)].data();
      for (long i = 0; i < n; ++i) filter[i] += tg * double(s[size_t(to[i])]);
    }
    out[1 + f] = b;
  }
}

template <class T>
void RbmSymmAnsatz<T>::set_parameters(const Vector<T>& p) {
  if (p.size() != n_params()) throw std::invalid_argument("wrong number of parameters");
  p_ = p;
  tied_.set_parameters(untie(p));
}

template <class T>
std::unique_ptr<Walker<T>> RbmSymmAnsatz<T>::walker() const {
  return std::make_unique<SymmWalker>(*this);
}

template class RbmSymmAnsatz<double>;
template class RbmSymmAnsatz<std::complex<double>>;

}  // namespace physml::vmc
