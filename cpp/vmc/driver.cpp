#include "vmc/driver.hpp"

#include <cmath>
#include <exception>
#include <map>
#include <stdexcept>

#include "autodiff/tape.hpp"

#ifdef PHYSML_HAVE_OPENMP
#include <omp.h>
#endif

namespace physml::vmc {

using autodiff::parallel_blocks;

namespace {

registry::Description described(const std::string& concept, const std::string& name, const std::string& summary,
                                std::map<std::string, bool> capabilities = {}) {
  registry::Description d;
  d.concept = concept;
  d.name = name;
  d.summary = summary;
  d.capabilities = std::move(capabilities);
  return d;
}

const bool registered = [] {
  auto& opt = registry::Registry<Optimizer>::instance();
  opt.add(described("vmc_optimizer", "sgd", "plain gradient descent on the energy"), Optimizer::Sgd);
  opt.add(described("vmc_optimizer", "adam", "Adam on the energy gradient"), Optimizer::Adam);
  opt.add(described("vmc_optimizer", "sr", "stochastic reconfiguration (natural gradient)"), Optimizer::Sr);
  auto& rule = registry::Registry<UpdateRule>::instance();
  rule.add(described("vmc_proposal", "local", "flip one spin", {{"conserves_sz", false}}), UpdateRule::LocalFlip);
  rule.add(described("vmc_proposal", "exchange", "swap the spins of a coupled antiparallel pair",
                     {{"conserves_sz", true}}),
           UpdateRule::Exchange);
  return true;
}();

}  // namespace

Optimizer parse_optimizer(const std::string& name) {
  return registry::Registry<Optimizer>::instance().get(name, "optimizer");
}

UpdateRule parse_proposal(const std::string& name) {
  return registry::Registry<UpdateRule>::instance().get(name, "sampler");
}

namespace {

double real_part(double x) { return x; }
double real_part(const std::complex<double>& x) { return x.real(); }
double imag_part(double) { return 0; }
double imag_part(const std::complex<double>& x) { return x.imag(); }

// Runs body(c) for every chain in parallel; the first exception is rethrown after the loop.
template <class F>
void for_each_chain(int chains, int threads, F&& body) {
  std::exception_ptr error;
#ifdef PHYSML_HAVE_OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
  for (int c = 0; c < chains; ++c) {
    try {
      body(c);
    } catch (...) {
#ifdef PHYSML_HAVE_OPENMP
#pragma omp critical
#endif
      if (!error) error = std::current_exception();
    }
  }
  (void)threads;
  if (error) std::rethrow_exception(error);
}

}  // namespace

template <class T>
VmcDriver<T>::VmcDriver(const VmcSpec& spec) : spec_(spec) {
  const int n = spec.hamiltonian.n_sites;
  if (spec.chains < 1) throw std::invalid_argument("at least one chain is needed");
  if (spec.samples_per_chain < 1) throw std::invalid_argument("at least one sample per chain is needed");
  if (spec.discard < 0) throw std::invalid_argument("the number of discarded sweeps must be >= 0");
  if (!(spec.lr > 0)) throw std::invalid_argument("the learning rate must be > 0");
  ansatz_ = make_ansatz<T>(spec.ansatz, n);
  rule_.rule = spec.rule;
  rule_.sweep_size = spec.sweep_size > 0 ? spec.sweep_size : n;
  if (spec.rule == UpdateRule::Exchange) {
    for (const SpinBond& b : spec.hamiltonian.bonds)
      if (b.flip != 0) rule_.bonds.emplace_back(b.i, b.j);
    if (rule_.bonds.empty()) throw std::invalid_argument("exchange moves need a Hamiltonian with spin-flip terms");
  }
  const Lattice lat(spec.lattice, spec.L, spec.open);
  if (spec.marshall) {
    // Sublattice A: colour 0 of the lattice's two-colouring.
    if (!lat.bipartite()) throw std::invalid_argument("the Marshall sign rule needs a bipartite lattice");
    for (int c : lat.colors()) sign_.push_back(int8_t(c == 0 ? -1 : 1));
  }
  // Correlations are averaged over the translations the boundaries allow.
  translations_ = lat.translations();
  if (spec_.chain_ids.empty())
    for (int c = 0; c < spec.chains; ++c) spec_.chain_ids.push_back(c);
  if (int(spec_.chain_ids.size()) != spec.chains) throw std::invalid_argument("one id per chain is needed");
  for (int c = 0; c < spec.chains; ++c) {
    walkers_.push_back(ansatz_->walker());
    configs_.push_back(initial_config(n, spec.rule == UpdateRule::Exchange ? spec.n_up : -1, spec.seed,
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
  first_moment_ = s[0];
  second_moment_ = s[1];
  sr_x_ = s[2];
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
    for (int d = 0; d < spec_.discard; ++d) metropolis_sweep(w, rule_, rng, discarded);
    std::vector<Flip> singles;
    std::vector<T> ratios(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) singles.emplace_back(i, -1);
    for (int k = 0; k < per_chain; ++k) {
      metropolis_sweep(w, rule_, rng, counts_[size_t(c)]);
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
  return update(spec_.chains, bool(chain_gather_));
}

template <class T>
void VmcDriver<T>::set_chain_gather(ChainGather<T> gather, int total_chains) {
  if (total_chains < spec_.chains) throw std::invalid_argument("the run has fewer chains than this driver");
  chain_gather_ = std::move(gather);
  total_chains_ = total_chains;
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
  // Every sum over samples is a sum of per-chain sums taken in chain order, here or (spread)
  // over all processes: the same bits for any thread count and any split of the chains.
  const long per = long(eloc_.size()) / chains, np = ansatz_->n_params();
  const int threads = spec_.threads;
  const ChainGather<T> gather = spread ? chain_gather_ : ChainGather<T>();
  const int total = spread ? total_chains_ : chains;
  const long ns = long(total) * per;
  auto chain_rows = [&](long width, auto&& body) {
    RowMatrix<T> rows(chains, width);
    for_each_chain(chains, threads, [&](int c) { rows.row(c) = body(c); });
    return sum_over_chains<T>(rows, gather);
  };

  // All local energies, in chain order (the gather returns every chain's row in chain order).
  std::vector<T> all_e = eloc_;
  if (spread) {
    const RowMatrix<T> all = gather(Eigen::Map<const RowMatrix<T>>(eloc_.data(), chains, per));
    if (all.rows() != total || all.cols() != per) throw std::runtime_error("gathered local energies of the wrong shape");
    all_e.assign(all.data(), all.data() + ns);
  }
  const Vector<T> moves_sum = chain_rows(2, [&](int c) {
    Vector<T> row(2);
    row << T(double(counts_[size_t(c)].proposed)), T(double(counts_[size_t(c)].accepted));
    return row;
  });

  IterationStats st;
  std::vector<double> re(static_cast<size_t>(ns));
  T mean(0);
  for (long k = 0; k < ns; ++k) {
    re[size_t(k)] = real_part(all_e[size_t(k)]);
    mean += all_e[size_t(k)];
  }
  mean /= double(ns);
  st.energy = chain_statistics(re, total);
  st.energy_imag = imag_part(mean);
  double var = 0;
  for (const T& e : all_e) var += std::norm(e - mean);
  st.energy.variance = var / double(ns);
  const double proposed = real_part(moves_sum[0]), accepted = real_part(moves_sum[1]);
  st.acceptance = proposed > 0 ? accepted / proposed : 0.0;
  if (!std::isfinite(st.energy.mean) || !std::isfinite(st.energy.variance))
    throw std::runtime_error("the local energies are not finite: the optimisation diverged "
                             "(lower the learning rate or raise the diagonal shift)");

  // Centred log-derivatives and the force F = <O_c^* (E_loc - <E>)>.
  const Vector<T> Obar = chain_rows(np, [&](int c) -> Vector<T> {
    return O_.middleRows(long(c) * per, per).colwise().sum().transpose();
  }) / double(ns);
  parallel_blocks(long(eloc_.size()), double(np), threads, [&](long r0, long r1) {
    O_.middleRows(r0, r1 - r0).rowwise() -= Obar.transpose();
  });
  Vector<T> e(long(eloc_.size()));
  for (long k = 0; k < e.size(); ++k) e[k] = eloc_[size_t(k)] - mean;
  const Vector<T> force = chain_rows(np, [&](int c) -> Vector<T> {
    return O_.middleRows(long(c) * per, per).adjoint() * e.segment(long(c) * per, per);
  }) / double(ns);
  // The optimisers' gradient g = 2 F (complex parameters; 2 Re F = 2 F for real ones):
  // NetKet's convention, so that a learning rate means the same in both.
  const Vector<T> g = 2.0 * force;
  st.gradient_norm = g.norm();

  Vector<T> p = ansatz_->parameters(), delta;
  switch (spec_.optimizer) {
    case Optimizer::Sgd:
      delta = g;
      break;
    case Optimizer::Adam: {
      if (first_moment_.size() != np) {
        first_moment_ = Vector<T>::Zero(np);
        second_moment_ = Vector<T>::Zero(np);
      }
      const double t = double(iteration_ + 1);
      first_moment_ = spec_.beta1 * first_moment_ + (1 - spec_.beta1) * g;
      second_moment_ = spec_.beta2 * second_moment_ +
                       (1 - spec_.beta2) * g.unaryExpr([](const T& x) { return T(std::norm(x)); });
      const double c1 = 1 - std::pow(spec_.beta1, t), c2 = 1 - std::pow(spec_.beta2, t);
      delta = Vector<T>(np);
      for (long k = 0; k < np; ++k)
        delta[k] = (first_moment_[k] / c1) / (std::sqrt(real_part(second_moment_[k]) / c2) + spec_.adam_eps);
      break;
    }
    case Optimizer::Sr: {
      SrSettings sr = spec_.sr;
      sr.threads = threads;
      const SrSolver solver = sr.solver == SrSolver::Auto ? choose_sr_solver(ns, np) : sr.solver;
      if (spread && solver != SrSolver::ConjugateGradient)
        throw std::invalid_argument("the dense and kernel SR solvers need the samples of all chains");
      SrStep<T> step = solver == SrSolver::ConjugateGradient
                           ? solve_sr_chains<T>(O_, per, ns, g, sr, sr_x_, gather)
                           : solve_sr<T>(O_, g, sr, sr_x_);
      st.cg_iterations = step.iterations;
      st.sr_residual = step.residual;
      sr_x_ = step.x;
      delta = std::move(step.x);
      break;
    }
  }
  p -= spec_.lr * delta;
  if (!p.allFinite())
    throw std::runtime_error("the parameters are no longer finite: the optimisation diverged "
                             "(lower the learning rate or raise the diagonal shift)");
  ansatz_->set_parameters(p);
  ++iteration_;
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
