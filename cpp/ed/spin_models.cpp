// The spin-1/2 Hamiltonians physml knows, each written as couplings over the lattice's pairs
// (Pauli matrices; see hamiltonian.hpp for the conventions).
#include <stdexcept>

#include "ed/hamiltonian.hpp"

namespace physml {

namespace {

using registry::Description;
using registry::Parameter;

const Parameter kJ{"J", "float", "nearest-neighbour coupling"};
const Parameter kH{"h", "float", "transverse field"};
const Parameter kDelta{"delta", "float", "anisotropy of the zz term"};
const Parameter kJ2{"J2", "float", "next-nearest-neighbour coupling"};

Description hamiltonian(const std::string& name, const std::string& convention,
                        std::vector<Parameter> params, bool conserves_sz, bool next_nearest) {
  Description d;
  d.concept = "hamiltonian";
  d.name = name;
  d.summary = convention;
  d.parameters = std::move(params);
  // marshall_sign: a sign rule that makes the antiferromagnet's ground state positive on a
  // bipartite lattice.
  d.capabilities = {{"conserves_sz", conserves_sz}, {"needs_next_nearest", next_nearest},
                    {"marshall_sign", conserves_sz}};
  return d;
}

SpinHamiltonian tfim(const Lattice& lat, const SpinCouplings& c) {
  SpinHamiltonian H;
  H.add_coupling(lat.bonds(), -c.J, 0.0);
  H.transverse = -c.h;
  return H;
}

SpinHamiltonian heisenberg(const Lattice& lat, const SpinCouplings& c) {
  SpinHamiltonian H;
  H.add_coupling(lat.bonds(), c.J, c.J);
  return H;
}

SpinHamiltonian xxz(const Lattice& lat, const SpinCouplings& c) {
  SpinHamiltonian H;
  H.add_coupling(lat.bonds(), c.J * c.delta, c.J);
  return H;
}

SpinHamiltonian j1j2(const Lattice& lat, const SpinCouplings& c) {
  if (!lat.has_next_nearest())
    throw std::invalid_argument("j1j2 needs next-nearest neighbours, which the " + lat.name() +
                                " lattice does not define");
  SpinHamiltonian H;
  H.add_coupling(lat.bonds(), c.J, c.J);
  if (c.J2 != 0) H.add_coupling(lat.next_nearest_bonds(), c.J2, c.J2);
  return H;
}

const bool registered = [] {
  auto& r = HamiltonianRegistry::instance();
  r.add(hamiltonian("tfim", "H = -J sum_<ij> sz_i sz_j - h sum_i sx_i", {kJ, kH}, false, false), tfim);
  r.add(hamiltonian("heisenberg", "H = J sum_<ij> (sx_i sx_j + sy_i sy_j + sz_i sz_j)", {kJ}, true, false),
        heisenberg);
  r.add(hamiltonian("xxz", "H = J sum_<ij> (sx_i sx_j + sy_i sy_j + Delta sz_i sz_j)", {kJ, kDelta}, true,
                    false),
        xxz);
  r.add(hamiltonian("j1j2", "H = J sum_<ij> s_i.s_j + J2 sum_<<ij>> s_i.s_j", {kJ, kJ2}, true, true), j1j2);
  return true;
}();

}  // namespace

}  // namespace physml
