#pragma once
// Fortuin-Kasteleyn cluster updates. Both need h = 0. For Ising any sign of J
// works (a bond is "satisfied" when s_i s_j J > 0); for Potts J must be > 0.
#include "mc/update_rule.hpp"

namespace physml {

class WolffUpdate : public UpdateRule {
 public:
  std::string name() const override { return "wolff"; }
  bool adaptive_sweep() const override { return true; }
  SweepReport sweep(Replica& r, const SweepContext& ctx) const override { return sweeps(r, ctx, 1); }
  SweepReport sweeps(Replica& r, const SweepContext& ctx, int64_t n) const override;
};

class SwendsenWangUpdate : public UpdateRule {
 public:
  std::string name() const override { return "sw"; }
  SweepReport sweep(Replica& r, const SweepContext& ctx) const override;
};

}  // namespace physml
