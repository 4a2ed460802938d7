#include "datasets/bars_and_stripes.hpp"

#include <set>
#include <stdexcept>
#include <vector>

#include "registry/registry.hpp"

namespace physml::datasets {

born::Configurations bars_and_stripes(int rows, int cols) {
  if (rows < 1 || cols < 1 || rows > 12 || cols > 12)
    throw std::invalid_argument("bars and stripes needs 1 to 12 rows and columns");
  std::vector<std::vector<uint8_t>> patterns;
  std::set<std::vector<uint8_t>> seen;
  auto add = [&](const std::vector<uint8_t>& p) {
    if (seen.insert(p).second) patterns.push_back(p);
  };
  for (int mask = 0; mask < (1 << rows); ++mask) {
    std::vector<uint8_t> p(size_t(rows * cols));
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) p[size_t(r * cols + c)] = uint8_t((mask >> r) & 1);
    add(p);
  }
  for (int mask = 0; mask < (1 << cols); ++mask) {
    std::vector<uint8_t> p(size_t(rows * cols));
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) p[size_t(r * cols + c)] = uint8_t((mask >> c) & 1);
    add(p);
  }
  born::Configurations out(Eigen::Index(patterns.size()), rows * cols);
  for (size_t i = 0; i < patterns.size(); ++i)
    for (size_t j = 0; j < patterns[i].size(); ++j) out(Eigen::Index(i), Eigen::Index(j)) = patterns[i][j];
  return out;
}

namespace {

const bool registered = [] {
  registry::Description d;
  d.concept = "dataset";
  d.name = "bas";
  d.summary = "bars and stripes: every image whose rows or whose columns are constant";
  registry::Parameter size{"size", "int", "rows of each image (and columns, without --width)"};
  size.min = 1;
  size.max = 12;
  registry::Parameter width{"width", "int", "columns of each image"};
  width.min = 1;
  width.max = 12;
  d.parameters = {size, width};
  d.capabilities = {{"binary", true}};
  registry::detail::add_description(d);
  return true;
}();

}  // namespace

}  // namespace physml::datasets
