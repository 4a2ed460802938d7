#pragma once
// Feature maps for learning on spin configurations.
#include <cstdint>

#include "linear/linear_models.hpp"

namespace physml {

// All ordered pairs s_i s_j (i, j = 0..N-1, both orders and i = j included), the
// features of the "learn the Ising couplings" experiment: row-major (n, N*N). Refuses
// more than 4e9 entries.
Matrix pair_features(const int8_t* configs, long n, long n_sites, int threads);

}  // namespace physml
