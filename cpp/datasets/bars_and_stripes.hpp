#pragma once
// Bars and stripes (MacKay): every rows x cols image whose rows are all constant or whose
// columns are all constant, 2^rows + 2^cols - 2 distinct patterns. Its ideal model puts
// probability 1/count on each, so the best negative log-likelihood is ln(count).
#include "born/born_machine.hpp"

namespace physml::datasets {

// Each pattern once, row-major pixels (0 or 1): stripes (constant rows) first, then the bars
// not already listed.
born::Configurations bars_and_stripes(int rows, int cols);

}  // namespace physml::datasets
