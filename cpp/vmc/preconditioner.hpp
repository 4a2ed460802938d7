#pragma once
// The direction the optimiser moves the parameters along, from the energy gradient g: g
// itself (plain gradient), or stochastic reconfiguration's natural gradient
// x = (S + eps I)^-1 g, S the covariance of the log-derivatives (vmc/sr.hpp). The optimiser
// (autodiff/optimizers.hpp) then takes the step, as in NetKet's split of preconditioner and
// optimizer: --optimizer sr is SR's direction with plain steps.
#include <memory>

#include "vmc/ansatz.hpp"
#include "vmc/estimator.hpp"
#include "vmc/sr.hpp"

namespace physml::vmc {

enum class Preconditioning { Identity, Sr };

template <class T>
struct Direction {
  Vector<T> x;
  int iterations = 0;   // SR's conjugate-gradient iterations
  double residual = 0;  // SR: |(S + eps I) x - g| / |g|
};

template <class T>
class Preconditioner {
 public:
  virtual ~Preconditioner() = default;
  // Oc: the centred log-derivatives of the chains held here; `over`: how sums over samples
  // run over all chains; `gram`: the ansatz's own Gram matrix of Oc's rows, where it has one.
  virtual Direction<T> direction(const RowMatrix<T>& Oc, const Vector<T>& g, const ChainReduction<T>& over,
                                 const SampleGram<T>& gram) = 0;

  // Memory from one iteration to the next, saved in checkpoints: SR's previous solution,
  // where its conjugate gradient starts. One without memory carries it unchanged, so that a
  // run may resume with another preconditioner and back.
  const Vector<T>& state() const { return state_; }
  void set_state(Vector<T> s) { state_ = std::move(s); }

 protected:
  Vector<T> state_;
};

template <class T>
std::unique_ptr<Preconditioner<T>> make_preconditioner(Preconditioning kind, const SrSettings& sr);

}  // namespace physml::vmc
