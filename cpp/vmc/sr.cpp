#include "vmc/sr.hpp"

#include "registry/registry.hpp"

#include <algorithm>
#include <complex>
#include <tuple>
#include <utility>
#include <stdexcept>
#include <vector>


namespace physml::vmc {

static const bool solvers = registry::add_values<SrSolver>("sr_solver", {
    {"auto", "the cheaper of dense and kernel", SrSolver::Auto},
    {"dense", "Cholesky-preconditioned CG in parameter space", SrSolver::Dense},
    {"kernel", "the same in sample space (more parameters than samples)", SrSolver::Kernel},
    {"cg", "matrix-free conjugate gradient", SrSolver::ConjugateGradient},
});

SrSolver parse_sr_solver(const std::string& name) {
  return registry::Registry<SrSolver>::instance().get(name, "SR solver");
}

SrSolver choose_sr_solver(long n_samples, long n_params) {
  // The single-precision Gram matrix (the smaller of P x P and N_s x N_s, side m) costs about
  // N_s P m / 2 multiply-adds at GEMM speed, ~4x CG's memory-bound products in double, of which
  // CG makes ~2 x 100: the Gram matrix pays while m is below ~1600-2000 (measured: m = 440 and
  // 1008 favour it 3-12x, m = 4096 favours CG 2x).
  if (std::min(n_samples, n_params) > 2000) return SrSolver::ConjugateGradient;
  return n_params <= n_samples ? SrSolver::Dense : SrSolver::Kernel;
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

// u = Oc v, a row block per task.
template <class T>
void multiply(const RowMatrix<T>& Oc, const Vec<T>& v, int threads, Vec<T>& u) {
  u.resize(Oc.rows());
  for_blocks(Oc.rows(), kRowBlock, threads, [&](long r0, long r1) {
    u.segment(r0, r1 - r0).noalias() = Oc.middleRows(r0, r1 - r0) * v;
  });
}

// y = Oc^dagger u, a column block per task.
template <class T>
void multiply_adjoint(const RowMatrix<T>& Oc, const Vec<T>& u, int threads, Vec<T>& y) {
  y.resize(Oc.cols());
  for_blocks(Oc.cols(), kColBlock, threads, [&](long c0, long c1) {
    y.segment(c0, c1 - c0).noalias() = Oc.middleCols(c0, c1 - c0).adjoint() * u;
  });
}

// y = (Oc^dagger (Oc v)) / Ns + eps v.
template <class T>
void apply_shifted_s(const RowMatrix<T>& Oc, const Vec<T>& v, double eps, int threads, Vec<T>& u, Vec<T>& y) {
  multiply(Oc, v, threads, u);
  multiply_adjoint(Oc, u, threads, y);
  y = y / double(Oc.rows()) + eps * v;
}

// y = (Oc (Oc^dagger v)) / Ns + eps v: the same Gram matrix in sample space (N_s x N_s).
template <class T>
void apply_shifted_kernel(const RowMatrix<T>& Oc, const Vec<T>& v, double eps, int threads, Vec<T>& w, Vec<T>& y) {
  multiply_adjoint(Oc, v, threads, w);
  multiply(Oc, w, threads, y);
  y = y / double(Oc.rows()) + eps * v;
}

template <class T>
double real_dot(const Vec<T>& a, const Vec<T>& b) {
  return std::real(a.dot(b));
}

template <class T> struct Single { using type = float; };
template <> struct Single<std::complex<double>> { using type = std::complex<float>; };

// Cholesky factor of S + eps I (or, in sample space, of Oc Oc^dagger / N_s + eps I) in single
// precision, as CG's preconditioner. Only the lower triangle is formed, block by block.
template <class T>
class SinglePrecisionCholesky {
 public:
  using F = typename Single<T>::type;
  using Matrix = Eigen::Matrix<F, Eigen::Dynamic, Eigen::Dynamic>;

  SinglePrecisionCholesky(const RowMatrix<T>& Oc, double eps, int threads, bool sample_space) {
    const long ns = Oc.rows(), np = Oc.cols();
    const long n = sample_space ? ns : np;
    // Sample space wants rows of Oc as columns: transpose once, conjugating, so that both
    // cases are the same product B^dagger B.
    const Matrix B = sample_space ? Matrix(Oc.adjoint().template cast<F>() / F(std::sqrt(double(ns))))
                                  : Matrix(Oc.template cast<F>() / F(std::sqrt(double(ns))));
    Matrix S(n, n);
    for_blocks(n, kGramBlock, threads, [&](long c0, long c1) {
      S.block(c0, c0, n - c0, c1 - c0).noalias() = B.middleCols(c0, n - c0).adjoint() * B.middleCols(c0, c1 - c0);
    });
    S.diagonal().array() += F(eps);
    llt_.compute(S);
    ok_ = llt_.info() == Eigen::Success;
  }
  // From a given (unnormalised) Gram matrix of ns samples.
  SinglePrecisionCholesky(const RowMatrix<T>& gram, long ns, double eps) {
    Matrix S = (gram / double(ns)).template cast<F>();
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

// Preconditioned CG for (A) x = b with A Hermitian positive definite, from x; returns the
// iterations used and the final relative residual (and, with `residual`, the residual
// vector b - A x as CG updates it).
template <class T, class Op, class Preconditioner>
std::pair<int, double> conjugate_gradient(Op&& apply_a, const Vec<T>& b, const Preconditioner& M, double tol,
                                          int max_iter, Vec<T>& x, Vec<T>* residual = nullptr) {
  const double target = tol * b.norm();
  Vec<T> Ap, r, z, p;
  if (x.isZero(0)) {
    r = b;  // a cold start needs no product (each is two passes over the samples' O)
  } else {
    apply_a(x, Ap);
    r = b - Ap;
  }
  z = M.apply(r);
  p = z;
  double rz = real_dot(r, z), rr = real_dot(r, r);
  int it = 0;
  while (std::sqrt(rr) > target && it < max_iter) {
    apply_a(p, Ap);
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
  if (residual) *residual = r;
  return {it, std::sqrt(rr) / b.norm()};
}

}  // namespace

template <class T>
void centre_gram(RowMatrix<T>& G) {
  const Vec<T> r = G.rowwise().mean();
  const T m = r.mean();
  G.array().colwise() -= r.array();
  G.array().rowwise() -= r.adjoint().array();
  G.array() += m;
}

template <class T>
SrStep<T> solve_sr(const RowMatrix<T>& Oc, const Vec<T>& g, const SrSettings& st, const Vec<T>& x0,
                   const SampleGram<T>& gram) {
  const long ns = Oc.rows(), np = Oc.cols();
  if (g.size() != np) throw std::invalid_argument("SR: the gradient does not match the log-derivatives");
  if (!(st.diag_shift > 0)) throw std::invalid_argument("SR needs a positive diagonal shift");
  SrStep<T> out;
  out.x = x0.size() == np ? x0 : Vec<T>::Zero(np);
  if (g.norm() == 0) {
    out.x.setZero();
    return out;
  }
  const SrSolver solver = st.solver == SrSolver::Auto ? choose_sr_solver(ns, np) : st.solver;
  Vec<T> tmp;
  auto param_op = [&](const Vec<T>& v, Vec<T>& y) { apply_shifted_s(Oc, v, st.diag_shift, st.threads, tmp, y); };
  if (solver == SrSolver::Kernel) {
    // Woodbury: (Oc^+ Oc / Ns + eps)^-1 g = (g - Oc^+ y) / eps with (Oc Oc^+ / Ns + eps) y = Oc g / Ns,
    // an N_s x N_s system: the cheap one when parameters outnumber samples.
    const SinglePrecisionCholesky<T> M = gram ? SinglePrecisionCholesky<T>(gram(), ns, st.diag_shift)
                                              : SinglePrecisionCholesky<T>(Oc, st.diag_shift, st.threads, true);
    if (M.ok()) {
      Vec<T> b(ns), y = Vec<T>::Zero(ns), w;
      for_blocks(ns, kRowBlock, st.threads, [&](long r0, long r1) {
        b.segment(r0, r1 - r0).noalias() = Oc.middleRows(r0, r1 - r0) * g;
      });
      b /= double(ns);
      auto kernel_op = [&](const Vec<T>& v, Vec<T>& out) { apply_shifted_kernel(Oc, v, st.diag_shift, st.threads, w, out); };
      Vec<T> ry;
      out.iterations = conjugate_gradient<T>(kernel_op, b, M, st.tol, st.max_iter, y, &ry).first;
      Vec<T> Oy(np);
      for_blocks(np, kColBlock, st.threads, [&](long c0, long c1) {
        Oy.segment(c0, c1 - c0).noalias() = Oc.middleCols(c0, c1 - c0).adjoint() * y;
      });
      out.x = (g - Oy) / st.diag_shift;
      // With x from y, (S + eps) x - g = Oc^dagger r_y / eps for the sample-space residual r_y:
      // one pass over Oc instead of the two of applying S.
      Vec<T> back;
      multiply_adjoint(Oc, ry, st.threads, back);
      out.residual = back.norm() / st.diag_shift / g.norm();
      out.method = "kernel";
      return out;
    }
  }
  if (solver == SrSolver::Dense) {
    const SinglePrecisionCholesky<T> M(Oc, st.diag_shift, st.threads, false);
    if (M.ok()) {
      std::tie(out.iterations, out.residual) = conjugate_gradient<T>(param_op, g, M, st.tol, st.max_iter, out.x);
      out.method = "dense";
      return out;
    }
  }
  const DiagonalPreconditioner<T> M(Oc, st.diag_shift, st.threads);
  std::tie(out.iterations, out.residual) = conjugate_gradient<T>(param_op, g, M, st.tol, st.max_iter, out.x);
  out.method = "cg";
  return out;
}

template <class T>
SrStep<T> solve_sr_chains(const RowMatrix<T>& Oc, long rows_per_chain, long n_samples, const Vec<T>& g,
                          const SrSettings& st, const Vec<T>& x0, const ChainGather<T>& gather) {
  const long np = Oc.cols();
  if (g.size() != np) throw std::invalid_argument("SR: the gradient does not match the log-derivatives");
  if (!(st.diag_shift > 0)) throw std::invalid_argument("SR needs a positive diagonal shift");
  if (rows_per_chain < 1 || Oc.rows() % rows_per_chain != 0)
    throw std::invalid_argument("SR: the samples do not split into chains");
  const long chains = Oc.rows() / rows_per_chain;
  SrStep<T> out;
  out.method = "cg";
  out.x = x0.size() == np ? x0 : Vec<T>::Zero(np);
  if (g.norm() == 0) {
    out.x.setZero();
    return out;
  }
  RowMatrix<T> partial(chains, np);
  // One chain per task: a chain's partial product never depends on the thread count.
  auto per_chain = [&](auto&& body) {
    for_blocks(chains, 1, st.threads, [&](long c0, long) { partial.row(c0) = body(Oc.middleRows(c0 * rows_per_chain, rows_per_chain)); });
    return sum_over_chains<T>(partial, gather);
  };
  struct Jacobi {
    Vec<T> inv;
    Vec<T> apply(const Vec<T>& r) const { return inv.cwiseProduct(r); }
  } M;
  const Vec<T> diag = per_chain([](const auto& O) -> Vec<T> {
    return O.cwiseAbs2().colwise().sum().transpose().template cast<T>();
  });
  M.inv = (diag.array() / double(n_samples) + st.diag_shift).inverse().matrix();
  auto op = [&](const Vec<T>& v, Vec<T>& y) {
    y = per_chain([&](const auto& O) -> Vec<T> { return O.adjoint() * (O * v); }) / double(n_samples) +
        st.diag_shift * v;
  };
  std::tie(out.iterations, out.residual) = conjugate_gradient<T>(op, g, M, st.tol, st.max_iter, out.x);
  return out;
}

template SrStep<double> solve_sr_chains(const RowMatrix<double>&, long, long, const Vec<double>&, const SrSettings&,
                                        const Vec<double>&, const ChainGather<double>&);
template SrStep<std::complex<double>> solve_sr_chains(const RowMatrix<std::complex<double>>&, long, long,
                                                      const Vec<std::complex<double>>&, const SrSettings&,
                                                      const Vec<std::complex<double>>&,
                                                      const ChainGather<std::complex<double>>&);

template SrStep<double> solve_sr(const RowMatrix<double>&, const Vec<double>&, const SrSettings&, const Vec<double>&,
                                 const SampleGram<double>&);
template SrStep<std::complex<double>> solve_sr(const RowMatrix<std::complex<double>>&,
                                               const Vec<std::complex<double>>&, const SrSettings&,
                                               const Vec<std::complex<double>>&,
                                               const SampleGram<std::complex<double>>&);
template void centre_gram(RowMatrix<double>&);
template void centre_gram(RowMatrix<std::complex<double>>&);

}  // namespace physml::vmc
