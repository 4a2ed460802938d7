#pragma once
// A symmetry-adapted basis: one representative per orbit of a group of spin-configuration
// maps (site permutations, each optionally followed by flipping every spin) that carries a
// one-dimensional representation chi. The basis state of representative r is
//   |r>_chi = (|G| |Stab r|)^(-1/2) sum_g conj(chi(g)) T_g |r>,
// nonzero only where chi is trivial on the stabilizer of r; T_h |r>_chi = chi(h) |r>_chi.
//
// The representative is the smallest configuration of its orbit, and finding it is where
// exact diagonalization in symmetry sectors spends its time. Sublattice coding (Wietek and
// Lauchli, PRE 98, 033309, 2018): where the sites split into blocks that every element maps
// onto blocks (the two sublattices of a bipartite lattice), each block takes a contiguous
// run of bits, the most significant block decides the comparison, and a table per block
// gives, for each of its 2^(N/blocks) values, the smallest leading block any element can map
// it to and the elements that do. Only those few elements are applied in full.
#include <complex>
#include <cstdint>
#include <vector>

#include "lattice/lattice.hpp"

namespace physml {

struct SymmetryOp {
  SiteMap sites;                          // site i goes to sites[i]
  bool flip = false;                      // then every spin is flipped
  std::complex<double> character = 1.0;   // chi of the element in the sector's irrep
};

class SymmetricBasis {
 public:
  // n_up: up spins (-1: every configuration). blocks[i]: the block of site i; ignored (one
  // block) unless every element maps blocks onto blocks of equal size.
  SymmetricBasis(int n_sites, int n_up, std::vector<SymmetryOp> group, const std::vector<int32_t>& blocks,
                 int threads);

  long size() const { return long(states_.size()); }
  int n_sites() const { return n_; }
  int group_size() const { return int(group_.size()); }
  int n_blocks() const { return n_blocks_; }
  // Configurations are coded: the spin of site i is bit bit(i).
  int bit(int site) const { return bit_[size_t(site)]; }
  uint64_t state(long r) const { return states_[size_t(r)]; }
  int stabilizer(long r) const { return stabilizer_[size_t(r)]; }
  const SymmetryOp& element(int e) const { return group_[size_t(e)]; }
  // Whether every character is real (the sector's vectors can be real).
  bool real() const { return real_; }

  struct Image {
    uint64_t state;  // the representative of the orbit
    int element;     // an element g with T_g s = state
  };
  Image representative(uint64_t s) const;
  // Brings the tables representative(s) reads first into the cache.
  void prefetch(uint64_t s) const {
    const uint32_t mask = (uint32_t(1) << block_bits_) - 1;
    for (int b = 0; b < n_blocks_ && n_blocks_ > 1; ++b)
      __builtin_prefetch(&reach_table_[(size_t(b) << block_bits_) | (s >> (b * block_bits_) & mask)]);
  }
  // Index of a representative, -1 where its orbit has no state in this sector.
  long find(uint64_t representative) const;
  // The same for n representatives at once, their memory accesses overlapped (prefetched
  // in stages): look-ups miss the cache, and one at a time they wait in series.
  void find(const uint64_t* representatives, int n, long* index) const;
  // T_g s for element e, in coded configurations.
  uint64_t apply(int e, uint64_t s) const;

  // Bytes a basis of this dimension and its look-up tables take.
  static double memory_estimate(int n_sites, double dimension, int group_size);

 private:
  bool is_representative(uint64_t s, int& stabilizer) const;
  void choose_coding(const std::vector<int32_t>& blocks);
  void build_tables(int threads);
  void enumerate(int threads);
  void build_index();

  int n_, n_up_;
  std::vector<SymmetryOp> group_;
  bool real_ = true;
  int n_blocks_ = 1, block_bits_ = 0;
  std::vector<int> bit_;
  // per element: coded image of every byte of a configuration, n_bytes_ x 256
  int n_bytes_ = 0;
  std::vector<uint64_t> byte_image_;
  std::vector<uint64_t> flip_mask_;   // per element: all N bits where it flips, else 0
  std::vector<int> leading_block_;    // per element: the block it maps onto the leading one
  // per block b and block value c ([b << block_bits_ | c]): the least leading value any
  // element makes of it, and the elements that do (the first inline: mostly the only one)
  struct Reach {
    uint32_t least;
    uint32_t begin;  // in reach_
    uint16_t count;
    uint16_t first;
  };
  std::vector<Reach> reach_table_;
  std::vector<uint16_t> reach_;
  std::vector<uint64_t> states_;
  std::vector<uint16_t> stabilizer_;
  // The index: representatives share few leading values, so a key is the leading value's
  // rank among them, then the top key_bits_ of the rest; runs of equal keys are short.
  size_t key(uint64_t s) const;
  int lead_bits_ = 0, rest_bits_ = 0, key_bits_ = 0;
  std::vector<int32_t> lead_rank_;
  std::vector<uint32_t> key_begin_;
};

}  // namespace physml
