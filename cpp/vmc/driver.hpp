#pragma once
// Variational Monte Carlo: sample |psi|^2 with many Markov chains (OpenMP over chains), then
// one iteration is estimate -> precondition -> optimiser step: the energy and its gradient
// from local energies and log-derivatives (vmc/estimator.hpp), a direction from the
// gradient (vmc/preconditioner.hpp: plain or SR), and a step of SGD or Adam along it
// (autodiff/optimizers.hpp, the network trainer's). Every random number is addressed by
// (seed, pass, chain), and every reduction runs in a fixed order, so a run is the same for
// any thread count, and continuing from saved parameters, chains and optimiser state gives
// the same numbers as never stopping.
#include <memory>
#include <string>
#include <vector>

#include "autodiff/optimizers.hpp"
#include "ed/hamiltonian.hpp"
#include "lattice/lattice.hpp"
#include "vmc/ansatz.hpp"
#include "vmc/chain_statistics.hpp"
#include "vmc/estimator.hpp"
#include "vmc/local_energy.hpp"
#include "vmc/preconditioner.hpp"
#include "vmc/proposal.hpp"
#include "vmc/sampler.hpp"
#include "vmc/sr.hpp"

namespace physml::vmc {

// What --optimizer names (registry concept "vmc_optimizer"): a preconditioner, and the update
// rule that steps along its direction.
struct VmcOptimizer {
  Preconditioning preconditioner = Preconditioning::Sr;
  autodiff::OptimizerKind update = autodiff::OptimizerKind::Sgd;
};
VmcOptimizer parse_optimizer(const std::string& name);

struct VmcSpec {
  SpinHamiltonian hamiltonian;
  std::string lattice = "chain";
  int L = 0;
  bool open = false;
  AnsatzSpec ansatz;
  std::string symmetries = "translations";  // the lattice's group a symmetric ansatz shares weights over
  // +-1: the whole wave function (Marshall sign included) is even/odd under flipping every
  // spin; 0: no projection
  int parity = 0;
  bool marshall = false;  // Marshall sign rule on the lattice's two sublattices
  ProposalFactory proposal = parse_proposal("local");
  int n_up = -1;          // starting magnetization sector for proposals that conserve it
  int chains = 16, samples_per_chain = 63, discard = 10, sweep_size = 0;  // 0: one per site
  VmcOptimizer optimizer;
  double lr = 0.05;
  double beta1 = 0.9, beta2 = 0.999, adam_eps = 1e-8;
  SrSettings sr;
  uint64_t seed = 0;
  int threads = 1;
  // Global index of each chain, which addresses its random numbers (default 0, 1, ...): under
  // MPI a rank holds some of the chains of the whole run and draws exactly what they would.
  std::vector<int> chain_ids;
};

struct IterationStats {
  ChainStatistics energy;
  double energy_imag = 0, acceptance = 0;
  int cg_iterations = 0;
  double sr_residual = 0, gradient_norm = 0;
};

struct Measurement {
  ChainStatistics energy, m, m_abs, m2, sx;
  double energy_imag = 0, acceptance = 0;
  std::vector<double> zz;  // <sz_i sz_{i+j}>, averaged over lattice translations when periodic
  long samples = 0;
};

template <class T>
class VmcDriver {
 public:
  explicit VmcDriver(const VmcSpec& spec);

  IterationStats step();
  Measurement measure(int samples_per_chain);

  // step() in two halves, for runs whose chains are spread over processes: sample this
  // driver's chains (results in local_energies_sampled / log_derivatives_sampled / counts),
  // then update from the samples of all chains (chain after chain, `chains` of them).
  void sample_step();
  const std::vector<T>& sampled_local_energies() const { return eloc_; }
  const RowMatrix<T>& sampled_log_derivatives() const { return O_; }
  MoveCounts sampled_counts() const;
  IterationStats update_from(std::vector<T> eloc, RowMatrix<T> O, MoveCounts counts, int chains);

  // Runs whose chains are spread over processes, the other way: step() samples this driver's
  // chains and reduces every sum over samples (energy statistics, gradient, S products) from
  // per-chain rows, which `gather` collects from all `total_chains` chains in chain order.
  // Samples never travel, and the result is the one-process run's, bit for bit.
  void set_chain_gather(ChainGather<T> gather, int total_chains);

  const Ansatz<T>& ansatz() const { return *ansatz_; }
  long n_params() const { return ansatz_->n_params(); }
  Vector<T> parameters() const { return ansatz_->parameters(); }
  void set_parameters(const Vector<T>& p);
  long iteration() const { return iteration_; }
  void set_iteration(long it) { iteration_ = it; }
  const std::vector<Config>& configs() const { return configs_; }
  void set_configs(const std::vector<Config>& c);
  // Optimiser memory, whichever optimiser this run uses: [Adam's first moment, Adam's second
  // moment, SR's previous solution], each empty until used.
  std::vector<Vector<T>> optimizer_state() const;
  void set_optimizer_state(const std::vector<Vector<T>>& s);
  // Step size and SR shift may change between iterations (schedules, recovery from a
  // divergence); the optimiser and SR memories are kept.
  double lr() const { return spec_.lr; }
  void set_lr(double lr);
  double diag_shift() const { return spec_.sr.diag_shift; }
  void set_diag_shift(double shift);

  // Local energies and log-derivatives (one row each) of given configurations (tests).
  std::vector<T> local_energies(const std::vector<Config>& s);
  RowMatrix<T> log_derivatives(const std::vector<Config>& s);

 private:
  void sample(uint64_t pass, int per_chain, bool derivatives, bool measure);
  IterationStats update(int chains, bool spread);

  VmcSpec spec_;
  std::unique_ptr<Ansatz<T>> ansatz_;
  std::unique_ptr<Proposal> proposal_;
  int sweep_size_ = 0;  // proposals between recorded samples
  std::vector<int8_t> sign_;
  std::vector<SiteMap> translations_;
  std::vector<std::unique_ptr<Walker<T>>> walkers_;
  std::vector<Config> configs_;
  long iteration_ = 0;

  Estimator<T> estimator_;
  std::unique_ptr<Preconditioner<T>> preconditioner_;
  autodiff::Optimizer<T> optimizer_;
  autodiff::OptimizerState<T> optimizer_memory_;

  // Filled by sample(): one entry (row) per sample, chain after chain.
  std::vector<T> eloc_;
  RowMatrix<T> O_;
  std::vector<Config> samples_;
  std::vector<double> sx_;
  std::vector<MoveCounts> counts_;
};

}  // namespace physml::vmc
