#include "vmc/sr.hpp"

#include <algorithm>
#include <complex>
#include <stdexcept>
#include <vector>


namespace physml::vmc {

SrSolver parse_sr_solver(const std::string& name) {
  if (name == "auto") return SrSolver::Auto;
  if (name == "dense") return SrSolver::Dense;
  if (name == "cg") return SrSolver::ConjugateGradient;
  throw std::invalid_argument("unknown SR solver '" + name + "' (choose auto, dense, cg)");
}

bool dense_is_cheaper(long n_samples, long n_params) {
  // Single-precision GEMM runs ~4x faster per multiply-add than the memory-bound products
  // of CG in double; about 100 CG iterations (two products each) are typical for eps ~ 0.01.
  const double dense = 0.25 * 0.5 * double(n_samples) * n_params * n_params;
  const double cg = 100.0 * 2.0 * double(n_samples) * n_params;
  return dense < cg && n_params <= 8000;
}

namespace {

template <class T>
using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;

// Fixed block sizes: every entry of a product is computed in one block, in an order that
// depends on the matrix sizes only, never on the thread count.
constexpr long kRowBlock = 256, kColBlock = 256, kGramBlock = 128;

template <class F>
void for_blocks(long n, long block, int threads, F&& body) {
  const long blocks = (n + block - 1) / block;
#ifdef PHYSML_HAVE_OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) if (blocks > 1 && threads > 1)
#endif
  for (long b = 0; b < blocks; ++b) body(b * block, std::min(n, (b + 1) * block));
  (void)threads;
}

// y = (Oc^dagger (Oc v)) / Ns + eps v.
template <class T>
void apply_shifted_s(const RowMatrix<T>& Oc, const Vec<T>& v, double eps, int threads, Vec<T>& u, Vec<T>& y) {
  const long ns = Oc.rows(), np = Oc.cols();
  u.resize(ns);
  y.resize(np);
  for_blocks(ns, kRowBlock, threads, [&](long r0, long r1) {
    u.segment(r0, r1 - r0).noalias() = Oc.middleRows(r0, r1 - r0) * v;
  });
  for_blocks(np, kColBlock, threads, [&](long c0, long c1) {
    y.segment(c0, c1 - c0).noalias() = Oc.middleCols(c0, c1 - c0).adjoint() * u;
  });
  y = y / double(ns) + eps * v;
}

template <class T>
double real_dot(const Vec<T>& a, const Vec<T>& b) {
  return std::real(a.dot(b));
}

template <class T> struct Single { using type = float; };
template <> struct Single<std::complex<double>> { using type = std::complex<float>; };

// Cholesky factor of S + eps I in single precision, as CG's preconditioner. Only the lower
// triangle is formed, column block by column block.
template <class T>
class SinglePrecisionCholesky {
 public:
  using F = typename Single<T>::type;
  using Matrix = Eigen::Matrix<F, Eigen::Dynamic, Eigen::Dynamic>;

  SinglePrecisionCholesky(const RowMatrix<T>& Oc, double eps, int threads) {
    const long ns = Oc.rows(), np = Oc.cols();
    const Eigen::Matrix<F, Eigen::Dynamic, Eigen::Dynamic> Of = Oc.template cast<F>() / F(std::sqrt(double(ns)));
    Matrix S(np, np);
    for_blocks(np, kGramBlock, threads, [&](long c0, long c1) {
      S.block(c0, c0, np - c0, c1 - c0).noalias() = Of.middleCols(c0, np - c0).adjoint() * Of.middleCols(c0, c1 - c0);
    });
    S.diagonal().array() += F(eps);
    llt_.compute(S);
    ok_ = llt_.info() == Eigen::Success;
  }
  bool ok() const { return ok_; }
  Vec<T> apply(const Vec<T>& r) const { return llt_.solve(r.template cast<F>()).template cast<T>(); }

 private:
  Eigen::LLT<Matrix, Eigen::Lower> llt_;
  bool ok_ = false;
};

template <class T>
class DiagonalPreconditioner {
 public:
  DiagonalPreconditioner(const RowMatrix<T>& Oc, double eps, int threads) {
    const long ns = Oc.rows(), np = Oc.cols();
    Eigen::VectorXd d(np);
    for_blocks(np, kColBlock, threads, [&](long c0, long c1) {
      d.segment(c0, c1 - c0) = Oc.middleCols(c0, c1 - c0).cwiseAbs2().colwise().sum().transpose();
    });
    inv_ = (d.array() / double(ns) + eps).inverse().matrix();
  }
  Vec<T> apply(const Vec<T>& r) const { return inv_.cwiseProduct(r).template cast<T>(); }

 private:
  Eigen::VectorXd inv_;
};

template <class T, class Preconditioner>
void conjugate_gradient(const RowMatrix<T>& Oc, const Vec<T>& g, const SrSettings& st, const Preconditioner& M,
                        SrStep<T>& out) {
  const double target = st.tol * g.norm();
  Vec<T>& x = out.x;
  Vec<T> u, Ap, r, z, p;
  apply_shifted_s(Oc, x, st.diag_shift, st.threads, u, Ap);
  r = g - Ap;
  z = M.apply(r);
  p = z;
  double rz = real_dot(r, z), rr = real_dot(r, r);
  int it = 0;
  while (std::sqrt(rr) > target && it < st.max_iter) {
    apply_shifted_s(Oc, p, st.diag_shift, st.threads, u, Ap);
    const double alpha = rz / real_dot(p, Ap);
    x += alpha * p;
    r -= alpha * Ap;
    z = M.apply(r);
    const double rz_new = real_dot(r, z);
    p = z + (rz_new / rz) * p;
    rz = rz_new;
    rr = real_dot(r, r);
    ++it;
  }
  out.iterations = it;
  out.residual = std::sqrt(rr) / g.norm();
}

}  // namespace

template <class T>
SrStep<T> solve_sr(const RowMatrix<T>& Oc, const Vec<T>& g, const SrSettings& st, const Vec<T>& x0) {
  const long ns = Oc.rows(), np = Oc.cols();
  if (g.size() != np) throw std::invalid_argument("SR: the gradient does not match the log-derivatives");
  if (!(st.diag_shift > 0)) throw std::invalid_argument("SR needs a positive diagonal shift");
  SrStep<T> out;
  out.x = x0.size() == np ? x0 : Vec<T>::Zero(np);
  if (g.norm() == 0) {
    out.x.setZero();
    return out;
  }
  const bool dense = st.solver == SrSolver::Dense ||
                     (st.solver == SrSolver::Auto && dense_is_cheaper(ns, np));
  if (dense) {
    const SinglePrecisionCholesky<T> M(Oc, st.diag_shift, st.threads);
    if (M.ok()) {
      out.dense = true;
      conjugate_gradient(Oc, g, st, M, out);
      return out;
    }
  }
  conjugate_gradient(Oc, g, st, DiagonalPreconditioner<T>(Oc, st.diag_shift, st.threads), out);
  return out;
}

template SrStep<double> solve_sr(const RowMatrix<double>&, const Vec<double>&, const SrSettings&, const Vec<double>&);
template SrStep<std::complex<double>> solve_sr(const RowMatrix<std::complex<double>>&,
                                               const Vec<std::complex<double>>&, const SrSettings&,
                                               const Vec<std::complex<double>>&);

}  // namespace physml::vmc
