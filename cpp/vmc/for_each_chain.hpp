#pragma once
// Chains are independent, so they run in parallel, one task each: what a chain computes
// never depends on the thread that runs it.
#include <exception>

#ifdef PHYSML_HAVE_OPENMP
#include <omp.h>
#endif

namespace physml::vmc {

// Runs body(c) for every chain; the first exception is rethrown after the loop, since none
// may leave an OpenMP region.
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

}  // namespace physml::vmc
