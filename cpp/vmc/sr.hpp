#pragma once
// Stochastic reconfiguration (Sorella 1998): the natural-gradient step x solving
//   (S + eps I) x = g,   S = O_c^dagger O_c / N_s,
// with O_c the centred log-derivatives of the N_s samples (one row each). Both solvers are
// conjugate gradient in double precision on products S v = O_c^dagger (O_c v) / N_s, to the
// same tolerance; they differ in the preconditioner:
//  - dense (parameters fewer than samples): S + eps I formed and Cholesky-factorised in single
//    precision, at twice the speed of double; as a preconditioner it is nearly exact, so CG
//    then needs a handful of iterations, and its rounding never reaches the solution;
//  - kernel (parameters outnumber samples): the same in sample space, on the N_s x N_s matrix
//    O_c O_c^dagger / N_s + eps I, with x from the Woodbury identity (as in "minSR");
//  - cg: the diagonal of S only, so no P x P or N_s x N_s matrix is ever formed.
// Products run over fixed column/row blocks, so x does not depend on the thread count.
#include <Eigen/Dense>
#include <functional>
#include <string>

#include "vmc/chain_gather.hpp"

namespace physml::vmc {

enum class SrSolver { Auto, Dense, Kernel, ConjugateGradient };
SrSolver parse_sr_solver(const std::string& name);

struct SrSettings {
  double diag_shift = 0.01;
  SrSolver solver = SrSolver::Auto;
  double tol = 1e-6;  // CG: stop when |residual| <= tol |g|
  int max_iter = 1000;
  int threads = 1;
};

template <class T>
struct SrStep {
  Eigen::Matrix<T, Eigen::Dynamic, 1> x;
  std::string method;   // dense, kernel or cg
  int iterations = 0;   // CG iterations
  double residual = 0; // |(S + eps I) x - g| / |g|
};

// The centred sample-space Gram matrix Oc Oc^dagger (unnormalised), from an ansatz that
// builds it from the structure of its log-derivatives (Ansatz::log_derivative_gram); unset:
// the kernel solver forms it from Oc.
template <class T>
using SampleGram = std::function<RowMatrix<T>()>;

// Oc: centred log-derivatives, one row per sample. x0 (may be empty) starts CG.
template <class T>
SrStep<T> solve_sr(const RowMatrix<T>& Oc, const Eigen::Matrix<T, Eigen::Dynamic, 1>& g,
                   const SrSettings& settings, const Eigen::Matrix<T, Eigen::Dynamic, 1>& x0,
                   const SampleGram<T>& gram = {});

// G_xy - mean_x' G_x'y - mean_y' G_xy' + mean G: the Gram matrix of the rows' deviations from
// their mean, from the Gram matrix of the rows (Hermitian).
template <class T>
void centre_gram(RowMatrix<T>& G);

// The cg solver for samples spread over processes: Oc holds this process's chains
// (rows_per_chain rows each) of n_samples in all, and every product S v is a sum of
// per-chain products O_c^dagger (O_c v) gathered by `gather` and added in chain order. Only P-vectors per chain travel;
// S and the samples of other processes are never needed.
template <class T>
SrStep<T> solve_sr_chains(const RowMatrix<T>& Oc, long rows_per_chain, long n_samples,
                          const Eigen::Matrix<T, Eigen::Dynamic, 1>& g, const SrSettings& settings,
                          const Eigen::Matrix<T, Eigen::Dynamic, 1>& x0, const ChainGather<T>& gather);

// What auto picks for N_s samples and P parameters.
SrSolver choose_sr_solver(long n_samples, long n_params);

}  // namespace physml::vmc
