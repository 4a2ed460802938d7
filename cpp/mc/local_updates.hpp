#pragma once
#include "mc/update_rule.hpp"

namespace physml {

class LocalUpdate : public UpdateRule {
 public:
  explicit LocalUpdate(LocalRule rule) : rule_(rule) {}
  std::string name() const override { return rule_ == LocalRule::Metropolis ? "metropolis" : "heatbath"; }
  SweepReport sweep(Replica& r, const SweepContext& ctx) const override { return sweeps(r, ctx, 1); }
  SweepReport sweeps(Replica& r, const SweepContext& ctx, int64_t n) const override;
  bool parallel_inside() const override { return true; }
  bool wants_fast_kernel(const Lattice& lat, const Model& m) const override;

 private:
  LocalRule rule_;
};

}  // namespace physml
