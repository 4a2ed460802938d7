// Lanczos in a symmetry sector: H acts on the symmetry-adapted basis (symmetric_basis.hpp)
// row by row, the representative of every configuration H reaches found by the basis,
//   <r|H|r'> = sum over s' = T_g^-1 r' in H|r> of h(s', r) chi(g) sqrt(|Stab r'| / |Stab r|).
// Finding representatives costs about 100 ns a term, streaming a stored matrix a few: where
// memory allows, the rows are found once and kept (column and a 2-byte code of h chi(g)).
#include <Eigen/Dense>
#include <cmath>
#include <stdexcept>

#include "ed/exact.hpp"
#include "ed/lanczos.hpp"
#include "ed/sector.hpp"

namespace physml {

namespace {

// H on coded configurations of one basis.
class SectorHamiltonian {
 public:
  SectorHamiltonian(const SpinHamiltonian& H, const SymmetricBasis& basis) : basis_(basis), transverse_(H.transverse) {
    for (const SpinBond& b : H.bonds) {
      const uint64_t pair = (uint64_t(1) << basis.bit(b.i)) | (uint64_t(1) << basis.bit(b.j));
      if (b.zz != 0) zz_.push_back({pair, b.zz, -1});
      if (b.flip != 0) flip_.push_back({pair, 2.0 * b.flip, kind_of(2.0 * b.flip)});
    }
    for (int i = 0; i < H.n_sites; ++i) sites_.push_back(uint64_t(1) << basis.bit(i));
    transverse_kind_ = kind_of(transverse_);
    sqrt_stabilizer_.resize(basis.size());
    for (long r = 0; r < basis.size(); ++r) sqrt_stabilizer_(r) = std::sqrt(double(basis.stabilizer(r)));
    diagonal_.resize(basis.size());
    for (long r = 0; r < basis.size(); ++r) {
      const uint64_t s = basis.state(r);
      double e = 0;
      for (const Term& t : zz_) e += __builtin_popcountll(s & t.bits) == 1 ? -t.value : t.value;
      diagonal_(r) = e;
    }
  }

  // f(columns, kinds, elements, n) for batches of the configurations H reaches from row r:
  // the column of each (-1: not in the sector), its matrix element h = value(kind) and an
  // element g with T_g s' = column's representative; the norm factor and chi(g) are the
  // caller's.
  template <class F>
  void off_diagonal(long r, F&& f) const {
    constexpr int kBatch = 64;
    uint64_t reached[kBatch], reps[kBatch];
    long index[kBatch];
    int element[kBatch];
    int kind[kBatch];
    int k = 0;
    // In stages over a batch, so that the cache misses of different terms overlap.
    auto flush = [&] {
      for (int q = 0; q < k; ++q) {
        const SymmetricBasis::Image image = basis_.representative(reached[q]);
        reps[q] = image.state;
        element[q] = image.element;
      }
      basis_.find(reps, k, index);
      f(index, kind, element, k);
      k = 0;
    };
    auto reach = [&](uint64_t t, int h) {
      basis_.prefetch(t);
      reached[k] = t;
      kind[k] = h;
      if (++k == kBatch) flush();
    };
    const uint64_t s = basis_.state(r);
    for (const Term& t : flip_)
      if (__builtin_popcountll(s & t.bits) == 1) reach(s ^ t.bits, t.kind);
    if (transverse_ != 0)
      for (uint64_t bit : sites_) reach(s ^ bit, transverse_kind_);
    flush();
  }
  double value(int kind) const { return values_[size_t(kind)]; }

  // Keeps every row: the terms are found once, then each product streams them.
  // Returns false (and keeps nothing) where the codes would not fit in 16 bits.
  bool store(int threads, double budget) {
    const long n = basis_.size();
    const long G = basis_.group_size();
    if (long(values_.size()) * G > 65535) return false;
    // an upper bound per row (every term found), filled in place, then compacted in order
    std::vector<uint64_t> bound(size_t(n) + 1, 0);
#pragma omp parallel for schedule(static) num_threads(threads)
    for (long r = 0; r < n; ++r) {
      const uint64_t s = basis_.state(r);
      uint64_t c = transverse_ != 0 ? sites_.size() : 0;
      for (const Term& t : flip_) c += __builtin_popcountll(s & t.bits) == 1;
      bound[size_t(r) + 1] = c;
    }
    for (long r = 0; r < n; ++r) bound[size_t(r) + 1] += bound[size_t(r)];
    if (6.0 * double(bound.back()) + 8.0 * double(n) > budget) return false;
    columns_.resize(bound.back());
    codes_.resize(bound.back());
    row_begin_.assign(size_t(n) + 1, 0);
#pragma omp parallel for schedule(dynamic, 1024) num_threads(threads)
    for (long r = 0; r < n; ++r) {
      uint64_t at = bound[size_t(r)];
      off_diagonal(r, [&](const long* column, const int* kind, const int* element, int k) {
        for (int q = 0; q < k; ++q)
          if (column[q] >= 0) {
            columns_[at] = uint32_t(column[q]);
            codes_[at++] = uint16_t(kind[q] * G + element[q]);
          }
      });
      row_begin_[size_t(r) + 1] = at - bound[size_t(r)];  // the row's length, for now
    }
    uint64_t to = 0;
    for (long r = 0; r < n; ++r) {
      const uint64_t from = bound[size_t(r)], len = row_begin_[size_t(r) + 1];
      std::copy(columns_.begin() + long(from), columns_.begin() + long(from + len), columns_.begin() + long(to));
      std::copy(codes_.begin() + long(from), codes_.begin() + long(from + len), codes_.begin() + long(to));
      row_begin_[size_t(r)] = to;
      to += len;
    }
    row_begin_[size_t(n)] = to;
    columns_.resize(to);
    columns_.shrink_to_fit();
    codes_.resize(to);
    codes_.shrink_to_fit();
    coded_.resize(values_.size() * size_t(G));
    for (size_t kind = 0; kind < values_.size(); ++kind)
      for (long e = 0; e < G; ++e) coded_[kind * size_t(G) + size_t(e)] = values_[kind] * basis_.element(int(e)).character;
    stored_ = true;
    return true;
  }
  bool stored() const { return stored_; }
  long stored_elements() const { return long(columns_.size()); }

  template <class Vec>
  void apply(const Vec& v, Vec& w, int threads) const {
    using S = typename Vec::Scalar;
    const long n = basis_.size();
    // u = v sqrt|Stab|: the norm factor of each column once per product, not per element
    const Vec u = v.cwiseProduct(sqrt_stabilizer_.template cast<S>());
    if (stored_) {
#pragma omp parallel for schedule(static, 4096) num_threads(threads)
      for (long r = 0; r < n; ++r) {
        S acc(0);
        for (uint64_t q = row_begin_[size_t(r)]; q < row_begin_[size_t(r) + 1]; ++q) {
          const std::complex<double>& hchi = coded_[codes_[q]];
          if constexpr (std::is_same_v<S, double>)
            acc += hchi.real() * u(columns_[q]);
          else
            acc += hchi * u(columns_[q]);
        }
        w(r) = diagonal_(r) * v(r) + acc / sqrt_stabilizer_(r);
      }
      return;
    }
#pragma omp parallel for schedule(dynamic, 1024) num_threads(threads)
    for (long r = 0; r < n; ++r) {
      S acc(0);
      // term by term in the order found, as the stored rows are summed: the same numbers
      off_diagonal(r, [&](const long* column, const int* kind, const int* element, int k) {
        for (int q = 0; q < k; ++q)
          if (column[q] >= 0) __builtin_prefetch(u.data() + column[q]);
        S sum = acc;
        for (int q = 0; q < k; ++q) {
          if (column[q] < 0) continue;
          const std::complex<double> hchi = values_[size_t(kind[q])] * basis_.element(element[q]).character;
          if constexpr (std::is_same_v<S, double>)
            sum += hchi.real() * u(column[q]);
          else
            sum += hchi * u(column[q]);
        }
        acc = sum;
      });
      w(r) = diagonal_(r) * v(r) + acc / sqrt_stabilizer_(r);
    }
  }

  const Eigen::VectorXd& diagonal() const { return diagonal_; }
  const Eigen::VectorXd& sqrt_stabilizer() const { return sqrt_stabilizer_; }

 private:
  struct Term {
    uint64_t bits;
    double value;
    int kind;  // index of value in values_ (-1: a diagonal term)
  };
  int kind_of(double h) {
    for (size_t k = 0; k < values_.size(); ++k)
      if (values_[k] == h) return int(k);
    values_.push_back(h);
    return int(values_.size()) - 1;
  }
  const SymmetricBasis& basis_;
  double transverse_;
  std::vector<Term> zz_, flip_;
  std::vector<uint64_t> sites_;
  int transverse_kind_ = 0;
  std::vector<double> values_;  // the distinct off-diagonal elements h
  Eigen::VectorXd sqrt_stabilizer_, diagonal_;
  bool stored_ = false;
  std::vector<uint64_t> row_begin_;
  std::vector<uint32_t> columns_;
  std::vector<uint16_t> codes_;               // kind * |G| + element
  std::vector<std::complex<double>> coded_;   // h chi(g) by code
};

SymmetricBasis basis_of(const SpinHamiltonian& H, const Sector& sector, int n_up, int threads) {
  if (n_up >= 0 && !H.conserves_magnetization())
    throw std::invalid_argument("this Hamiltonian does not conserve the magnetization: no S^z sectors");
  return SymmetricBasis(H.n_sites, n_up, sector.group, sector.blocks, threads);
}

// <sz_0 sz_j>: the mean over each orbit, weighted by the orbit's probability. With every
// translation in the group the mean over an orbit is (1/|P|) sum_p C_{p^-1 j}, C_j the
// translation average of sz_i sz_{i+j} over the representative; otherwise the group is
// averaged element by element.
template <class Vec>
std::vector<double> correlations(const SymmetricBasis& basis, const Sector& sector, const Vec& psi, int threads) {
  const int N = basis.n_sites();
  const long n = basis.size();
  const bool translated = int(sector.translations.size()) == N;
  // translated: the element (a translation, first in the group) taking site 0 to site j
  std::vector<int> to(size_t(N), -1);
  if (translated)
    for (size_t e = 0; e < sector.translations.size(); ++e) to[size_t(sector.translations[e][0])] = int(e);
  constexpr long kRows = 1 << 12;
  const long chunks = (n + kRows - 1) / kRows;
  std::vector<std::vector<double>> part(size_t(chunks), std::vector<double>(size_t(N), 0.0));
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (long ch = 0; ch < chunks; ++ch) {
    std::vector<double>& acc = part[size_t(ch)];
    for (long r = ch * kRows; r < std::min(n, (ch + 1) * kRows); ++r) {
      const uint64_t s = basis.state(r);
      const double p = std::norm(psi(r));
      auto z = [&](uint64_t x, int i) { return (x >> basis.bit(i) & 1) ? 1 : -1; };
      if (translated) {
        // sum_i sz_i sz_{t(i)} = N - 2 (the sites where s and T_t s differ)
        for (int j = 0; j < N; ++j)
          acc[size_t(j)] += p * (N - 2.0 * __builtin_popcountll(s ^ basis.apply(to[size_t(j)], s))) / N;
      } else {
        for (int e = 0; e < basis.group_size(); ++e) {
          const uint64_t x = basis.apply(e, s);
          for (int j = 0; j < N; ++j) acc[size_t(j)] += p * z(x, 0) * z(x, j) / basis.group_size();
        }
      }
    }
  }
  std::vector<double> a(size_t(N), 0.0);
  for (const auto& pp : part)
    for (int j = 0; j < N; ++j) a[size_t(j)] += pp[size_t(j)];
  if (!translated) return a;
  // the point group: zz_j = mean over p of A_{p^-1(j)}
  std::vector<double> out(size_t(N), 0.0);
  for (const SiteMap& p : sector.point_group)
    for (int j = 0; j < N; ++j) out[size_t(p[size_t(j)])] += a[size_t(j)] / double(sector.point_group.size());
  return out;
}

template <class Vec>
ExactResult solve(const SpinHamiltonian& H, const SymmetricBasis& basis, const Sector& sector, int levels, double tol,
                  int max_iter, uint64_t seed, int threads, double budget) {
  using S = typename Vec::Scalar;
  const long n = basis.size();
  if (n == 0) throw std::invalid_argument("the sector " + sector.label + " is empty");
  SectorHamiltonian op(H, basis);
  // memory beyond the basics: the stored matrix first, then Krylov vectors
  const bool stored = op.store(threads, budget);
  if (stored) budget -= 6.0 * double(op.stored_elements()) + 8.0 * double(n);
  const long keep = budget > 0 ? long(budget / (double(sizeof(S)) * double(n))) : 0;
  const Vec start = lanczos::random_start<Vec>(n, seed, threads);
  Vec psi;
  const lanczos::Spectrum spectrum = lanczos::lowest(
      n, [&](const Vec& v, Vec& w) { op.apply(v, w, threads); }, start, levels, tol, max_iter, threads, &psi, keep);
  ExactResult out(spectrum, n);
  out.sector = sector.label;
  out.group_size = basis.group_size();
  out.stored = stored;
  out.nonzeros = op.stored_elements();
  out.zz = correlations(basis, sector, psi, threads);
  if (H.transverse != 0) {
    // <sum_j sx_j> / N from the transverse term alone
    SpinHamiltonian X;
    X.n_sites = H.n_sites;
    X.transverse = 1.0;
    const SectorHamiltonian x(X, basis);
    Vec xpsi(n);
    x.apply(psi, xpsi, threads);
    const double mean = std::real(lanczos::dot(psi, xpsi, threads)) / H.n_sites;
    out.x.assign(size_t(H.n_sites), mean);
  }
  return out;
}

}  // namespace

ExactResult exact_sector_ground_state(const SpinHamiltonian& H, const Lattice& lattice, const SectorChoice& choice,
                                      int levels, double tol, int max_iter, uint64_t seed, int threads,
                                      double memory_budget) {
  if (levels < 1) throw std::invalid_argument("levels must be >= 1");
  if (!(tol > 0 && tol <= kLanczosMaxTolerance)) throw std::invalid_argument("the Lanczos tolerance must be in (0, 0.01]");
  if (max_iter < 1) throw std::invalid_argument("max_iter must be >= 1");
  const Sector sector = make_sector(lattice, choice);
  const SymmetricBasis basis = basis_of(H, sector, choice.n_up, threads);
  return basis.real() ? solve<Eigen::VectorXd>(H, basis, sector, levels, tol, max_iter, seed, threads, memory_budget)
                      : solve<Eigen::VectorXcd>(H, basis, sector, levels, tol, max_iter, seed, threads, memory_budget);
}

Eigen::MatrixXcd sector_matrix(const SpinHamiltonian& H, const Lattice& lattice, const SectorChoice& choice) {
  const Sector sector = make_sector(lattice, choice);
  const SymmetricBasis basis = basis_of(H, sector, choice.n_up, 1);
  if (basis.size() > 4096) throw std::invalid_argument("a dense sector matrix is for dimensions up to 4096");
  const SectorHamiltonian op(H, basis);
  const long n = basis.size();
  Eigen::MatrixXcd M = Eigen::MatrixXcd::Zero(n, n);
  for (long r = 0; r < n; ++r) {
    M(r, r) += op.diagonal()(r);
    op.off_diagonal(r, [&](const long* column, const int* kind, const int* element, int k) {
      for (int q = 0; q < k; ++q)
        if (column[q] >= 0)
          M(r, column[q]) += op.value(kind[q]) * basis.element(element[q]).character *
                             op.sqrt_stabilizer()(column[q]) / op.sqrt_stabilizer()(r);
    });
  }
  return M;
}

long sector_dimension(int n_sites, const Lattice& lattice, const SectorChoice& choice, int threads) {
  const Sector sector = make_sector(lattice, choice);
  return SymmetricBasis(n_sites, choice.n_up, sector.group, sector.blocks, threads).size();
}

}  // namespace physml
