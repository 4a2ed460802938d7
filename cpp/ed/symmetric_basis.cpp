#include "ed/symmetric_basis.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace physml {

namespace {

// A character is trivial when it is 1 up to the rounding of exp(2 pi i n / L).
bool is_one(std::complex<double> c) { return std::abs(c - 1.0) < 1e-9; }

// The configurations of `bits` bits with `pop` set, ascending (Gosper's hack).
std::vector<uint32_t> with_popcount(int bits, int pop) {
  std::vector<uint32_t> out;
  if (pop < 0 || pop > bits) return out;
  if (pop == 0) return {0u};
  const uint64_t end = uint64_t(1) << bits;
  for (uint64_t v = (uint64_t(1) << pop) - 1; v < end;) {
    out.push_back(uint32_t(v));
    const uint64_t c = v & (~v + 1), r = v + c;
    v = (((r ^ v) >> 2) / c) | r;
  }
  return out;
}

}  // namespace

SymmetricBasis::SymmetricBasis(int n_sites, int n_up, std::vector<SymmetryOp> group,
                               const std::vector<int32_t>& blocks, int threads)
    : n_(n_sites), n_up_(n_up), group_(std::move(group)) {
  if (n_ < 1 || n_ > 62) throw std::invalid_argument("a symmetric basis holds 1 to 62 spins");
  if (n_up_ > n_) throw std::invalid_argument("more up spins than sites");
  if (group_.empty() || group_.size() > 65535) throw std::invalid_argument("the group needs 1 to 65535 elements");
  for (const SymmetryOp& g : group_) {
    if (int(g.sites.size()) != n_) throw std::invalid_argument("a symmetry acts on another number of sites");
    if (g.flip && n_up_ >= 0 && 2 * n_up_ != n_)
      throw std::invalid_argument("the spin flip is a symmetry of the S^z = 0 sector (or the full space) only");
    if (std::abs(std::abs(g.character) - 1.0) > 1e-9) throw std::invalid_argument("characters must have modulus 1");
    real_ = real_ && std::abs(g.character.imag()) < 1e-12;
  }
  choose_coding(blocks);
  build_tables(threads);
  enumerate(threads);
  build_index();
}

void SymmetricBasis::choose_coding(const std::vector<int32_t>& blocks) {
  // Blocks of equal size that every element maps onto blocks, or one block.
  int nb = 0;
  if (int(blocks.size()) == n_)
    for (int32_t b : blocks) nb = std::max(nb, int(b) + 1);
  bool ok = nb > 1 && n_ % nb == 0;
  if (ok) {
    std::vector<int> count(size_t(nb), 0);
    for (int32_t b : blocks) ok = ok && b >= 0 && ++count[size_t(b)] > 0;
    for (int c : count) ok = ok && c == n_ / nb;
    for (const SymmetryOp& g : group_) {
      std::vector<int> image(size_t(nb), -1);
      for (int i = 0; i < n_ && ok; ++i) {
        int& to = image[size_t(blocks[size_t(i)])];
        if (to < 0) to = blocks[size_t(g.sites[size_t(i)])];
        ok = to == blocks[size_t(g.sites[size_t(i)])];
      }
    }
  }
  // 2^(N/blocks) table entries per block: beyond 2^22 they cost more than they save.
  ok = ok && n_ / nb <= 22 && nb <= 8;
  n_blocks_ = ok ? nb : 1;
  block_bits_ = n_ / n_blocks_;
  bit_.assign(size_t(n_), 0);
  std::vector<int> next(size_t(n_blocks_), 0);
  for (int i = 0; i < n_; ++i) {
    const int b = n_blocks_ > 1 ? blocks[size_t(i)] : 0;
    bit_[size_t(i)] = b * block_bits_ + next[size_t(b)]++;
  }
}

void SymmetricBasis::build_tables(int threads) {
  const int G = int(group_.size());
  n_bytes_ = (n_ + 7) / 8;
  byte_image_.assign(size_t(G) * size_t(n_bytes_) * 256, 0);
  flip_mask_.assign(size_t(G), 0);
  leading_block_.assign(size_t(G), 0);
  const uint64_t all = n_ == 64 ? ~uint64_t(0) : (uint64_t(1) << n_) - 1;
  std::vector<int> site_at(static_cast<size_t>(n_));
  for (int i = 0; i < n_; ++i) site_at[size_t(bit_[size_t(i)])] = i;
  for (int e = 0; e < G; ++e) {
    const SymmetryOp& g = group_[size_t(e)];
    flip_mask_[size_t(e)] = g.flip ? all : 0;
    for (int byte = 0; byte < n_bytes_; ++byte)
      for (int v = 0; v < 256; ++v) {
        uint64_t image = 0;
        for (int k = 0; k < 8; ++k) {
          const int b = byte * 8 + k;
          if (b < n_ && (v >> k & 1)) image |= uint64_t(1) << bit_[size_t(g.sites[size_t(site_at[size_t(b)])])];
        }
        byte_image_[(size_t(e) * size_t(n_bytes_) + size_t(byte)) * 256 + size_t(v)] = image;
      }
    for (int i = 0; i < n_; ++i)
      if (bit_[size_t(g.sites[size_t(i)])] / block_bits_ == n_blocks_ - 1) leading_block_[size_t(e)] = bit_[size_t(i)] / block_bits_;
  }
  if (n_blocks_ == 1) return;
  const uint32_t values = uint32_t(1) << block_bits_;
  const uint32_t mask = values - 1;
  const int lead_shift = (n_blocks_ - 1) * block_bits_;
  std::vector<uint32_t> least(size_t(n_blocks_) * values, 0);
  std::vector<std::vector<uint16_t>> reach(size_t(n_blocks_) * values);
#pragma omp parallel for schedule(dynamic, 256) num_threads(threads)
  for (long idx = 0; idx < long(n_blocks_) * long(values); ++idx) {
    const int b = int(idx >> block_bits_);
    const uint64_t s = uint64_t(idx & long(mask)) << (b * block_bits_);
    uint32_t best = ~0u;
    std::vector<uint16_t>& who = reach[size_t(idx)];
    for (int e = 0; e < G; ++e) {
      if (leading_block_[size_t(e)] != b) continue;
      // the element's image of this block alone, flipped within the leading block
      uint64_t image = 0;
      for (int byte = 0; byte < n_bytes_; ++byte)
        image |= byte_image_[(size_t(e) * size_t(n_bytes_) + size_t(byte)) * 256 + (s >> (8 * byte) & 255)];
      uint32_t lead = uint32_t(image >> lead_shift) & mask;
      if (group_[size_t(e)].flip) lead ^= mask;
      if (lead < best) {
        best = lead;
        who.clear();
      }
      if (lead == best) who.push_back(uint16_t(e));
    }
    least[size_t(idx)] = best;
  }
  reach_table_.resize(least.size());
  uint32_t begin = 0;
  for (size_t i = 0; i < reach.size(); ++i) {
    reach_table_[i] = {least[i], begin, uint16_t(reach[i].size()), reach[i].empty() ? uint16_t(0) : reach[i][0]};
    begin += uint32_t(reach[i].size());
  }
  reach_.resize(begin);
  for (size_t i = 0; i < reach.size(); ++i)
    std::copy(reach[i].begin(), reach[i].end(), reach_.begin() + reach_table_[i].begin);
}

uint64_t SymmetricBasis::apply(int e, uint64_t s) const {
  const uint64_t* table = byte_image_.data() + size_t(e) * size_t(n_bytes_) * 256;
  uint64_t image = 0;
  for (int byte = 0; byte < n_bytes_; ++byte, table += 256) image |= table[s >> (8 * byte) & 255];
  return image ^ flip_mask_[size_t(e)];
}

SymmetricBasis::Image SymmetricBasis::representative(uint64_t s) const {
  Image best{s, -1};
  auto consider = [&](int e) {
    const uint64_t image = apply(e, s);
    if (best.element < 0 || image < best.state) best = {image, e};
  };
  if (n_blocks_ == 1) {
    for (int e = 0; e < int(group_.size()); ++e) consider(e);
    return best;
  }
  const uint32_t mask = (uint32_t(1) << block_bits_) - 1;
  const Reach* entry[8];
  uint32_t lead = ~0u;
  for (int b = 0; b < n_blocks_; ++b) {
    entry[b] = &reach_table_[(size_t(b) << block_bits_) | (s >> (b * block_bits_) & mask)];
    lead = std::min(lead, entry[b]->least);
  }
  for (int b = 0; b < n_blocks_; ++b) {
    if (entry[b]->least != lead) continue;
    consider(entry[b]->first);
    for (uint32_t k = entry[b]->begin + 1; k < entry[b]->begin + entry[b]->count; ++k) consider(reach_[k]);
  }
  return best;
}

bool SymmetricBasis::is_representative(uint64_t s, int& stabilizer) const {
  stabilizer = 0;
  bool trivial = true;
  auto consider = [&](int e) {
    const uint64_t image = apply(e, s);
    if (image < s) return false;
    if (image == s) {
      ++stabilizer;
      trivial = trivial && is_one(group_[size_t(e)].character);
    }
    return true;
  };
  if (n_blocks_ == 1) {
    for (int e = 0; e < int(group_.size()); ++e)
      if (!consider(e)) return false;
    return trivial;
  }
  const uint32_t mask = (uint32_t(1) << block_bits_) - 1;
  const uint32_t lead = uint32_t(s >> ((n_blocks_ - 1) * block_bits_));
  for (int b = 0; b < n_blocks_; ++b) {
    const Reach& r = reach_table_[(size_t(b) << block_bits_) | (s >> (b * block_bits_) & mask)];
    if (r.least < lead) return false;
    if (r.least > lead) continue;
    for (uint32_t k = r.begin; k < r.begin + r.count; ++k)
      if (!consider(reach_[k])) return false;
  }
  return trivial;
}

void SymmetricBasis::enumerate(int threads) {
  std::vector<uint64_t> states;
  std::vector<uint16_t> stabilizers;
  if (n_blocks_ == 1) {
    if (n_ > 30) throw std::invalid_argument("this group has no sublattice coding: at most 30 spins");
    // every configuration of the sector, in fixed slices (ascending within and across)
    const uint64_t end = uint64_t(1) << n_;
    const uint64_t slice = uint64_t(1) << std::max(0, n_ - 10);
    const long slices = long(end / slice);
    std::vector<std::vector<uint64_t>> found(static_cast<size_t>(slices));
    std::vector<std::vector<uint16_t>> stab(static_cast<size_t>(slices));
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (long k = 0; k < slices; ++k)
      for (uint64_t s = uint64_t(k) * slice; s < uint64_t(k + 1) * slice; ++s) {
        if (n_up_ >= 0 && __builtin_popcountll(s) != n_up_) continue;
        int st = 0;
        if (is_representative(s, st)) {
          found[size_t(k)].push_back(s);
          stab[size_t(k)].push_back(uint16_t(st));
        }
      }
    for (long k = 0; k < slices; ++k) {
      states.insert(states.end(), found[size_t(k)].begin(), found[size_t(k)].end());
      stabilizers.insert(stabilizers.end(), stab[size_t(k)].begin(), stab[size_t(k)].end());
    }
  } else {
    // Leading block first: its value must be the least any element can give it, and no
    // other block may map to a smaller leading value; the rest is checked in full.
    const int m = block_bits_, top = n_blocks_ - 1;
    const uint32_t values = uint32_t(1) << m;
    std::vector<std::vector<uint32_t>> by_pop(size_t(m) + 1);
    for (int p = 0; p <= m; ++p) by_pop[size_t(p)] = with_popcount(m, p);
    std::vector<uint32_t> leads;
    for (uint32_t c = 0; c < values; ++c) {
      const int pop = __builtin_popcount(c);
      const bool fits = n_up_ < 0 || (pop <= n_up_ && n_up_ - pop <= top * m);
      if (fits && reach_table_[(size_t(top) << m) | c].least == c) leads.push_back(c);
    }
    std::vector<std::vector<uint64_t>> found(leads.size());
    std::vector<std::vector<uint16_t>> stab(leads.size());
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (long li = 0; li < long(leads.size()); ++li) {
      const uint32_t lead = leads[size_t(li)];
      auto& out = found[size_t(li)];
      auto& out_stab = stab[size_t(li)];
      // blocks top-1 .. 0 in turn, each ascending: the states come out ascending
      auto fill = [&](auto&& self, int b, uint64_t s, int left) -> void {
        if (b < 0) {
          if (n_up_ >= 0 && left != 0) return;
          int st = 0;
          if (is_representative(s, st)) {
            out.push_back(s);
            out_stab.push_back(uint16_t(st));
          }
          return;
        }
        auto visit = [&](uint32_t c) {
          if (reach_table_[(size_t(b) << m) | c].least < lead) return;
          self(self, b - 1, s | (uint64_t(c) << (b * m)), left - __builtin_popcount(c));
        };
        if (n_up_ < 0) {
          for (uint32_t c = 0; c < values; ++c) visit(c);
          return;
        }
        // the popcounts this block may take, then merged ascending
        const int lo = std::max(0, left - b * m), hi = std::min(m, left);
        if (lo > hi) return;
        if (b == 0) {
          for (uint32_t c : by_pop[size_t(left)]) visit(c);
          return;
        }
        std::vector<uint32_t> cs;
        for (int p = lo; p <= hi; ++p) cs.insert(cs.end(), by_pop[size_t(p)].begin(), by_pop[size_t(p)].end());
        std::sort(cs.begin(), cs.end());
        for (uint32_t c : cs) visit(c);
      };
      fill(fill, top - 1, uint64_t(lead) << (top * m), n_up_ < 0 ? 0 : n_up_ - __builtin_popcount(lead));
    }
    for (size_t k = 0; k < leads.size(); ++k) {
      states.insert(states.end(), found[k].begin(), found[k].end());
      stabilizers.insert(stabilizers.end(), stab[k].begin(), stab[k].end());
    }
  }
  states_ = std::move(states);
  stabilizer_ = std::move(stabilizers);
}

void SymmetricBasis::build_index() {
  lead_bits_ = n_blocks_ > 1 ? block_bits_ : (n_ + 1) / 2;
  rest_bits_ = n_ - lead_bits_;
  lead_rank_.assign(size_t(1) << lead_bits_, -1);
  long leads = 0;
  for (uint64_t s : states_) {
    int32_t& rank = lead_rank_[size_t(s >> rest_bits_)];
    if (rank < 0) rank = int32_t(leads++);
  }
  // about two representatives per key: one or two cache lines to scan
  key_bits_ = 0;
  while (key_bits_ < rest_bits_ && (leads << key_bits_) < size() / 2 && (leads << key_bits_) < (long(1) << 28))
    ++key_bits_;
  key_begin_.assign(size_t(std::max(leads, 1L) << key_bits_) + 1, 0);
  for (uint64_t s : states_) ++key_begin_[key(s) + 1];
  for (size_t p = 1; p < key_begin_.size(); ++p) key_begin_[p] += key_begin_[p - 1];
}

size_t SymmetricBasis::key(uint64_t s) const {
  const uint64_t rest = s & ((uint64_t(1) << rest_bits_) - 1);
  return (size_t(lead_rank_[size_t(s >> rest_bits_)]) << key_bits_) | size_t(rest >> (rest_bits_ - key_bits_));
}

long SymmetricBasis::find(uint64_t representative) const {
  long index;
  find(&representative, 1, &index);
  return index;
}

void SymmetricBasis::find(const uint64_t* reps, int n, long* index) const {
  // In stages, each issuing all its loads before the next needs them.
  for (int k = 0; k < n; ++k) __builtin_prefetch(&lead_rank_[size_t(reps[k] >> rest_bits_)]);
  for (int k = 0; k < n; ++k) {
    if (lead_rank_[size_t(reps[k] >> rest_bits_)] < 0) {
      index[k] = -1;
      continue;
    }
    index[k] = long(key(reps[k]));
    __builtin_prefetch(&key_begin_[size_t(index[k])]);
  }
  for (int k = 0; k < n; ++k)
    if (index[k] >= 0) {
      const size_t p = size_t(index[k]);
      index[k] = long(key_begin_[p]) | (long(key_begin_[p + 1]) << 32);  // the run, for now
      __builtin_prefetch(&states_[key_begin_[p]]);
    }
  for (int k = 0; k < n; ++k) {
    if (index[k] < 0) continue;
    const long lo = index[k] & 0xffffffffL, hi = index[k] >> 32;
    long found = -1;
    for (long i = lo; i < hi; ++i)
      if (states_[size_t(i)] == reps[k]) {
        found = i;
        break;
      }
    index[k] = found;
  }
}

double SymmetricBasis::memory_estimate(int n_sites, double dimension, int group_size) {
  const double tables = double(group_size) * ((n_sites + 7) / 8) * 256 * 8 +
                        2.0 * std::ldexp(1.0, std::min(22, (n_sites + 1) / 2)) * 12 + 4.0 * std::ldexp(1.0, 24);
  return dimension * (8 + 2) + tables;
}

}  // namespace physml
