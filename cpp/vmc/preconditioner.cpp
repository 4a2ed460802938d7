#include "vmc/preconditioner.hpp"

#include <complex>
#include <stdexcept>

namespace physml::vmc {

namespace {

template <class T>
class PlainGradient final : public Preconditioner<T> {
 public:
  Direction<T> direction(const RowMatrix<T>&, const Vector<T>& g, const ChainReduction<T>&,
                         const SampleGram<T>&) override {
    return {g};
  }
};

template <class T>
class StochasticReconfiguration final : public Preconditioner<T> {
 public:
  explicit StochasticReconfiguration(const SrSettings& s) : settings_(s) {}

  Direction<T> direction(const RowMatrix<T>& Oc, const Vector<T>& g, const ChainReduction<T>& over,
                         const SampleGram<T>& gram) override {
    SrSettings sr = settings_;
    sr.threads = over.threads;
    const long ns = over.samples();
    const SrSolver solver = sr.solver == SrSolver::Auto ? choose_sr_solver(ns, Oc.cols()) : sr.solver;
    // Only the matrix-free solver gets by with per-chain products.
    if (over.spread() && solver != SrSolver::ConjugateGradient)
      throw std::invalid_argument("the dense and kernel SR solvers need the samples of all chains");
    SrStep<T> step = solver == SrSolver::ConjugateGradient
                         ? solve_sr_chains<T>(Oc, over.rows_per_chain, ns, g, sr, this->state_, over.gather)
                         : solve_sr<T>(Oc, g, sr, this->state_, gram);
    this->state_ = step.x;
    return {std::move(step.x), step.iterations, step.residual};
  }

 private:
  SrSettings settings_;
};

}  // namespace

template <class T>
std::unique_ptr<Preconditioner<T>> make_preconditioner(Preconditioning kind, const SrSettings& sr) {
  if (kind == Preconditioning::Sr) return std::make_unique<StochasticReconfiguration<T>>(sr);
  return std::make_unique<PlainGradient<T>>();
}

template std::unique_ptr<Preconditioner<double>> make_preconditioner(Preconditioning, const SrSettings&);
template std::unique_ptr<Preconditioner<std::complex<double>>> make_preconditioner(Preconditioning,
                                                                                  const SrSettings&);

}  // namespace physml::vmc
