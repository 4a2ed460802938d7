#pragma once
// Symmetry sectors of a spin Hamiltonian on a lattice: the group (the lattice's
// translations, optionally times its point group, optionally times the global spin flip)
// and a one-dimensional irreducible representation of it, named by a momentum, a
// point-group irrep and a spin-flip eigenvalue. The point group is used only at momenta it
// leaves invariant (k = 0 and k = pi along every axis for the chain and square lattice), where
// the sector's character is chi(t p) = exp(i k.t) chi_irrep(p).
#include <string>
#include <vector>

#include "ed/hamiltonian.hpp"
#include "ed/symmetric_basis.hpp"
#include "lattice/lattice.hpp"

namespace physml {

struct SectorChoice {
  std::string symmetries = "translations";  // translations | lattice (registered: symmetry_group)
  std::vector<int> momentum;                // per periodic axis, n in k = 2 pi n / L
  std::string irrep = "A1";                 // point-group irrep (symmetries = lattice)
  int spin_flip = 0;                        // eigenvalue of flipping every spin; 0: not used
  int n_up = -1;                            // up spins; -1: every configuration
};

struct Sector {
  std::vector<SymmetryOp> group;
  std::vector<SiteMap> translations;  // the factors of the group, for correlations
  std::vector<SiteMap> point_group;
  std::vector<int32_t> blocks;        // sublattices for the coding of configurations
  std::string label;                  // e.g. "k = (0, 0), A1, spin flip +1"
};

Sector make_sector(const Lattice& lattice, const SectorChoice& choice);

// Momenta (per axis) the point group leaves invariant: the ones `lattice` sectors allow.
std::vector<std::vector<int>> invariant_momenta(const Lattice& lattice);
// Irreps (registered names) that are one-dimensional representations of the lattice's point
// group, each once.
std::vector<std::string> point_group_irreps(const Lattice& lattice);

// The sector of the ground state where a sign rule fixes it, with choice's group and n_up:
// a stoquastic H (every off-diagonal element <= 0) has a positive ground state, invariant
// under every symmetry; an antiferromagnet whose off-diagonal elements all join the two
// sublattices of a bipartite lattice has one positive up to the Marshall sign (-1)^(up spins
// on sublattice A), which fixes each character. Returns false where neither applies (a
// frustrated model: scan the sectors).
bool sign_rule_sector(const Lattice& lattice, const SpinHamiltonian& H, SectorChoice& choice);

}  // namespace physml
