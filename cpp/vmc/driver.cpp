#include "vmc/driver.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "vmc/for_each_chain.hpp"

namespace physml::vmc {

namespace {

const bool registered = [] {
  using autodiff::OptimizerKind;
  auto& opt = registry::Registry<VmcOptimizer>::instance();
  opt.add({"vmc_optimizer", "sgd", "plain gradient descent on the energy"},
          {Preconditioning::Identity, OptimizerKind::Sgd});
  opt.add({"vmc_optimizer", "adam", "Adam on the energy gradient"},
          {Preconditioning::Identity, OptimizerKind::Adam});
  opt.add({"vmc_optimizer", "sr", "stochastic reconfiguration (natural gradient)"},
          {Preconditioning::Sr, OptimizerKind::Sgd});
  return true;
}();

}  // namespace

VmcOptimizer parse_optimizer(const std::string& name) {
  return registry::Registry<VmcOptimizer>::instance().get(name, "optimizer");
}

namespace {

double real_part(double x) { return x; }
double real_part(const std::complex<double>& x) { return x.real(); }
double imag_part(double) { return 0; }
double imag_part(const std::complex<double>& x) { return x.imag(); }

// VMC has always put Adam's bias corrections on the moments (as NetKet does): its runs keep
// their numbers.
autodiff::OptimizerSettings step_settings(const VmcSpec& spec) {
  autodiff::OptimizerSettings s;
  s.lr = spec.lr;
  s.beta1 = spec.beta1;
  s.beta2 = spec.beta2;
  s.eps = spec.adam_eps;
  s.bias_correction = autodiff::BiasCorrection::Moments;
  return s;
}

}  // namespace

template <class T>
VmcDriver<T>::VmcDriver(const VmcSpec& spec)
    : spec_(spec),
      estimator_(spec.threads),
      preconditioner_(make_preconditioner<T>(spec.optimizer.preconditioner, spec.sr)),
      optimizer_(spec.optimizer.update, step_settings(spec)) {
  const int n = spec.hamiltonian.n_sites;
  if (spec.chains < 1) throw std::invalid_argument("at least one chain is needed");
  if (spec.samples_per_chain < 1) throw std::invalid_argument("at least one sample per chain is needed");
  if (spec.discard < 0) throw std::invalid_argument("the number of discarded sweeps must be >= 0");
  if (!(spec.lr > 0)) throw std::invalid_argument("the learning rate must be > 0");
  const Lattice lat(spec.lattice, spec.L, spec.open);
  spec_.ansatz.group = [lat, name = spec.symmetries] { return lat.symmetry_group(name); };
  if (spec.marshall) {
    // Sublattice A: colour 0 of the lattice's two-colouring.
    if (!lat.bipartite()) throw std::invalid_argument("the Marshall sign rule needs a bipartite lattice");
    for (int c : lat.colors()) sign_.push_back(int8_t(c == 0 ? -1 : 1));
  }
  // Flipping every spin multiplies the Marshall sign by (-1)^|A|: the amplitude's parity is
  // the whole wave function's times that.
  const long sublattice_a = std::count(sign_.begin(), sign_.end(), int8_t(-1));
  spec_.ansatz.parity = sublattice_a % 2 ? -spec.parity : spec.parity;
  proposal_ = spec.proposal(spec.hamiltonian);
  // An autoregressive ansatz samples in the run's S^z sector where the Hamiltonian keeps it
  // and the sampler does (exactly, or by magnetization-conserving moves).
  const bool sector = spec.n_up >= 0 && spec.hamiltonian.conserves_magnetization() &&
                      (proposal_->conserves_sz() || proposal_->samples_exactly());
  spec_.ansatz.n_up = sector ? spec.n_up : -1;
  ansatz_ = make_ansatz<T>(spec_.ansatz, n);
  sweep_size_ = spec.sweep_size > 0 ? spec.sweep_size : n;
  // Correlations are averaged over the translations the boundaries allow.
  translations_ = lat.translations();
  if (spec_.chain_ids.empty())
    for (int c = 0; c < spec.chains; ++c) spec_.chain_ids.push_back(c);
  if (int(spec_.chain_ids.size()) != spec.chains) throw std::invalid_argument("one id per chain is needed");
  for (int c = 0; c < spec.chains; ++c) {
    walkers_.push_back(ansatz_->walker());
    configs_.push_back(initial_config(n, spec_.ansatz.n_up >= 0 || proposal_->conserves_sz() ? spec.n_up : -1, spec.seed,
                                      spec_.chain_ids[size_t(c)]));
  }
}

template <class T>
void VmcDriver<T>::set_parameters(const Vector<T>& p) {
  if (p.size() != ansatz_->n_params()) throw std::invalid_argument("wrong number of parameters");
  if (!p.allFinite()) throw std::invalid_argument("parameters contain NaN or infinite values");
  ansatz_->set_parameters(p);
}

template <class T>
void VmcDriver<T>::set_configs(const std::vector<Config>& c) {
  if (c.size() != configs_.size()) throw std::invalid_argument("the number of chains does not match");
  for (const Config& s : c) {
    if (int(s.size()) != spec_.hamiltonian.n_sites) throw std::invalid_argument("a chain has the wrong number of sites");
    for (int8_t x : s)
      if (x != 1 && x != -1) throw std::invalid_argument("chain configurations must hold +-1");
  }
  configs_ = c;
}

template <class T>
void VmcDriver<T>::set_optimizer_state(const std::vector<Vector<T>>& s) {
  if (s.size() != 3) throw std::invalid_argument("the optimiser state has three vectors");
  for (const auto& v : s)
    if (v.size() != 0 && v.size() != ansatz_->n_params())
      throw std::invalid_argument("the optimiser state does not match the parameters");
  optimizer_memory_[autodiff::state_name::first_moment] = s[0];
  optimizer_memory_[autodiff::state_name::second_moment] = s[1];
  preconditioner_->set_state(s[2]);
}

template <class T>
void VmcDriver<T>::set_lr(double lr) {
  if (!(lr > 0) || !std::isfinite(lr)) throw std::invalid_argument("the learning rate must be > 0");
  spec_.lr = lr;
  optimizer_ = autodiff::Optimizer<T>(spec_.optimizer.update, step_settings(spec_));
}

template <class T>
void VmcDriver<T>::set_diag_shift(double shift) {
  if (!(shift > 0) || !std::isfinite(shift)) throw std::invalid_argument("the diagonal shift must be > 0");
  spec_.sr.diag_shift = shift;
  Vector<T> memory = preconditioner_->state();
  preconditioner_ = make_preconditioner<T>(spec_.optimizer.preconditioner, spec_.sr);
  preconditioner_->set_state(std::move(memory));
}

template <class T>
std::vector<Vector<T>> VmcDriver<T>::optimizer_state() const {
  auto saved = [&](const std::string& name) {
    const auto it = optimizer_memory_.find(name);
    return it == optimizer_memory_.end() ? Vector<T>() : it->second;
  };
  return {saved(autodiff::state_name::first_moment), saved(autodiff::state_name::second_moment),
          preconditioner_->state()};
}

template <class T>
void VmcDriver<T>::sample(uint64_t pass, int per_chain, bool derivatives, bool measure) {
  const int chains = spec_.chains, n = spec_.hamiltonian.n_sites;
  const long ns = long(chains) * per_chain, np = ansatz_->n_params();
  eloc_.assign(size_t(ns), T(0));
  if (derivatives) O_.resize(ns, np);
  if (measure) {
    samples_.assign(size_t(ns), Config());
    sx_.assign(size_t(ns), 0.0);
  }
  counts_.assign(size_t(chains), MoveCounts());
  const bool transverse = spec_.hamiltonian.transverse != 0;
  for_each_chain(chains, spec_.threads, [&](int c) {
    Xoshiro256 rng = chain_rng(spec_.seed, pass, spec_.chain_ids[size_t(c)]);
    Walker<T>& w = *walkers_[size_t(c)];
    LocalEnergy<T> local(spec_.hamiltonian, sign_);
    w.reset(configs_[size_t(c)]);
    MoveCounts discarded;
    for (int d = 0; d < spec_.discard; ++d) proposal_->sweep(w, sweep_size_, rng, discarded);
    std::vector<Flip> singles;
    std::vector<T> ratios(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) singles.emplace_back(i, -1);
    for (int k = 0; k < per_chain; ++k) {
      proposal_->sweep(w, sweep_size_, rng, counts_[size_t(c)]);
      const long row = long(c) * per_chain + k;
      eloc_[size_t(row)] = local(w);
      if (derivatives) w.log_derivatives(O_.data() + row * np);
      if (measure) {
        samples_[size_t(row)] = w.config();
        if (transverse) {
          w.ratios(singles, ratios.data());
          double sx = 0;
          for (int i = 0; i < n; ++i) sx += real_part(ratios[size_t(i)]) * (sign_.empty() ? 1 : sign_[size_t(i)]);
          sx_[size_t(row)] = sx / n;
        }
      }
    }
    configs_[size_t(c)] = w.config();
  });
}

template <class T>
IterationStats VmcDriver<T>::step() {
  sample_step();
  return update(spec_.chains, estimator_.spread());
}

template <class T>
void VmcDriver<T>::set_chain_gather(ChainGather<T> gather, int total_chains) {
  if (total_chains < spec_.chains) throw std::invalid_argument("the run has fewer chains than this driver");
  estimator_.set_chain_gather(std::move(gather), total_chains);
}

template <class T>
void VmcDriver<T>::sample_step() {
  sample(uint64_t(iteration_), spec_.samples_per_chain, true, false);
}

template <class T>
MoveCounts VmcDriver<T>::sampled_counts() const {
  MoveCounts total;
  for (const auto& c : counts_) {
    total.proposed += c.proposed;
    total.accepted += c.accepted;
  }
  return total;
}

template <class T>
IterationStats VmcDriver<T>::update_from(std::vector<T> eloc, RowMatrix<T> O, MoveCounts counts, int chains) {
  if (chains < 1 || eloc.size() % size_t(chains) != 0 || O.rows() != long(eloc.size()) ||
      O.cols() != ansatz_->n_params())
    throw std::invalid_argument("samples of all chains do not fit together");
  eloc_ = std::move(eloc);
  O_ = std::move(O);
  counts_.assign(size_t(chains), MoveCounts());
  counts_[0] = counts;
  return update(chains, false);
}

template <class T>
IterationStats VmcDriver<T>::update(int chains, bool spread) {
  const ChainReduction<T> over = estimator_.reduction(long(eloc_.size()), chains, spread);
  // The columns an ansatz builds the samples' Gram matrix from, before O_ is centred.
  RowMatrix<T> leading;
  if (const long k = ansatz_->gram_columns(); k > 0 && !spread) leading = O_.leftCols(k);
  const Estimate<T> estimate = estimator_.estimate(eloc_, O_, counts_, over);  // centres O_
  SampleGram<T> gram;
  if (leading.size() > 0)
    gram = [&] {
      RowMatrix<T> G;
      ansatz_->log_derivative_gram(leading, G, over.threads);
      centre_gram(G);
      return G;
    };
  const Direction<T> direction = preconditioner_->direction(O_, estimate.gradient, over, gram);
  Vector<T> p = ansatz_->parameters();
  optimizer_.step(iteration_ + 1, p, direction.x, optimizer_memory_);
  if (!p.allFinite())
    throw std::runtime_error("the parameters are no longer finite: the optimisation diverged "
                             "(lower the learning rate or raise the diagonal shift)");
  ansatz_->set_parameters(p);
  ++iteration_;

  IterationStats st;
  st.energy = estimate.energy;
  st.energy_imag = estimate.energy_imag;
  st.acceptance = estimate.acceptance;
  st.gradient_norm = estimate.gradient_norm;
  st.cg_iterations = direction.iterations;
  st.sr_residual = direction.residual;
  return st;
}

template <class T>
Measurement VmcDriver<T>::measure(int per_chain) {
  if (per_chain < 1) throw std::invalid_argument("at least one sample per chain is needed");
  // The measurement's chains start from the optimisation's but do not move them: a run that
  // is measured, saved and resumed continues exactly like one never measured.
  const std::vector<Config> kept = configs_;
  sample((uint64_t(1) << 40) + uint64_t(iteration_), per_chain, false, true);
  configs_ = kept;
  const long ns = long(eloc_.size());
  const int n = spec_.hamiltonian.n_sites;
  Measurement out;
  out.samples = ns;
  std::vector<double> re(static_cast<size_t>(ns)), m(static_cast<size_t>(ns)), ma(static_cast<size_t>(ns)), m2(static_cast<size_t>(ns));
  T mean(0);
  out.zz.assign(size_t(n), 0.0);
  for (long k = 0; k < ns; ++k) {
    re[size_t(k)] = real_part(eloc_[size_t(k)]);
    mean += eloc_[size_t(k)];
    const Config& s = samples_[size_t(k)];
    double sum = 0;
    for (int8_t x : s) sum += x;
    m[size_t(k)] = sum / n;
    ma[size_t(k)] = std::abs(sum / n);
    m2[size_t(k)] = sum * sum / (double(n) * n);
    for (const auto& t : translations_)
      for (int j = 0; j < n; ++j) out.zz[size_t(j)] += double(s[size_t(t[0])] * s[size_t(t[size_t(j)])]);
  }
  for (double& z : out.zz) z /= double(ns) * double(translations_.size());
  out.energy = chain_statistics(re, spec_.chains);
  double var = 0;
  mean /= double(ns);
  for (const T& e : eloc_) var += std::norm(e - mean);
  out.energy.variance = var / double(ns);
  out.energy_imag = imag_part(mean);
  out.m = chain_statistics(m, spec_.chains);
  out.m_abs = chain_statistics(ma, spec_.chains);
  out.m2 = chain_statistics(m2, spec_.chains);
  if (spec_.hamiltonian.transverse != 0) out.sx = chain_statistics(sx_, spec_.chains);
  const MoveCounts moves = sampled_counts();
  out.acceptance = moves.proposed ? double(moves.accepted) / double(moves.proposed) : 0.0;
  return out;
}

template <class T>
std::vector<T> VmcDriver<T>::local_energies(const std::vector<Config>& s) {
  std::vector<T> out;
  auto w = ansatz_->walker();
  LocalEnergy<T> local(spec_.hamiltonian, sign_);
  for (const Config& c : s) {
    if (int(c.size()) != spec_.hamiltonian.n_sites) throw std::invalid_argument("configuration of the wrong size");
    w->reset(c);
    out.push_back(local(*w));
  }
  return out;
}

template <class T>
RowMatrix<T> VmcDriver<T>::log_derivatives(const std::vector<Config>& s) {
  RowMatrix<T> out(long(s.size()), ansatz_->n_params());
  auto w = ansatz_->walker();
  for (size_t k = 0; k < s.size(); ++k) {
    if (int(s[k].size()) != spec_.hamiltonian.n_sites) throw std::invalid_argument("configuration of the wrong size");
    w->reset(s[k]);
    w->log_derivatives(out.data() + long(k) * out.cols());
  }
  return out;
}

template class VmcDriver<double>;
template class VmcDriver<std::complex<double>>;

}  // namespace physml::vmc
