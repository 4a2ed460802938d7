// cpp/bindings is the only code that knows about Python: one file per engine subsystem
// (bindings/bindings.hpp), this one for the module itself and what the build and the CPU
// can do. Long-running calls release the GIL so Python's signal handlers and progress
// display keep running between calls.
#include <Eigen/Core>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <new>
#include <stdexcept>
#include <string>

#include "bindings/bindings.hpp"
#include "mc/checkerboard_square.hpp"

#ifdef PHYSML_HAVE_OPENMP
#include <omp.h>
#endif

namespace py = pybind11;
using namespace physml;

// libgomp starts a team by reserving each thread's start record (~216 bytes) on the calling
// thread's stack with alloca: 100000 threads need ~21 MB of an 8 MiB stack and segfault
// inside libgomp, before any error could be reported. Every thread also reserves its own
// stack (OMP_STACKSIZE). Threads past a few per core add nothing (the work is split by
// data, not by thread), so the engine uses at most 4 per available core, at least 64 (so
// that tests of thread independence can oversubscribe a small machine), never more than
// OpenMP's own limit (OMP_THREAD_LIMIT).
int thread_limit() {
#ifdef PHYSML_HAVE_OPENMP
  const long per_core = 4L * std::max(1, omp_get_num_procs());
  return int(std::max(1L, std::min<long>(omp_get_thread_limit(), std::max(64L, per_core))));
#else
  return 1;
#endif
}

int engine_threads(int requested) {
  if (requested < 1) throw std::invalid_argument("threads must be >= 1 (got " + std::to_string(requested) + ")");
  return std::min(requested, thread_limit());
}

namespace {

void bind_build_info(py::module_& m) {
  m.def("has_openmp", []() {
#ifdef PHYSML_HAVE_OPENMP
    return true;
#else
    return false;
#endif
  });
  m.def("max_threads", []() {
#ifdef PHYSML_HAVE_OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
  });
  m.def("thread_limit", &thread_limit,
        "Most threads the engine runs with; a larger request is clamped to it (docs/hpc.md).");
  m.def("engine_threads", &engine_threads, py::arg("requested"),
        "The thread count the engine runs with when asked for `requested`.");
  m.def("cpu_has_avx2", []() {
#if defined(__x86_64__) || defined(__i386__)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return false;
#endif
  }, "Whether this CPU can run the AVX2/FMA build of the engine.");
  m.def("build_isa", []() {
#if defined(__AVX2__)
    return std::string("avx2");
#else
    return std::string("generic");
#endif
  }, "Instruction set this build of the engine was compiled for.");
  m.def("kernel_isa", []() { return std::string(checkerboard_isa()); },
        "Instruction set the square-lattice checkerboard kernel runs with on this CPU.");
  m.def("force_portable_kernel", &force_portable_kernel, py::arg("on"),
        "Use the portable checkerboard loop even where AVX2 is available.");
}

}  // namespace

PYBIND11_MODULE(PHYSML_MODULE_NAME, m) {
  m.doc() = "physml numerical engine (C++; no I/O)";
  // Eigen would pick its product blocking by thread count, and so round differently
  // with 1 or 2 threads; the engine parallelizes itself, deterministically.
  Eigen::setNbThreads(1);
#ifdef PHYSML_VERSION
  m.attr("__version__") = PHYSML_VERSION;
#endif
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const std::invalid_argument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const std::length_error& e) {
      // a size from user input past what a container can hold: no memory could serve it
      PyErr_SetString(PyExc_MemoryError, (std::string("the engine cannot allocate that much: ") + e.what()).c_str());
    } catch (const std::bad_alloc&) {
      PyErr_SetString(PyExc_MemoryError, "the engine ran out of memory (std::bad_alloc)");
    }
  });

  bind_build_info(m);
  bind_mc(m);
  bind_linear(m);
  bind_hopfield(m);
  bind_rbm(m);
  bind_registry(m);
  bind_lattice(m);
  bind_autodiff(m);
  bind_quantum(m);
  bind_vmc(m);
  bind_variational(m);
  bind_dmrg(m);
  bind_renormalization(m);
  bind_born(m);
  bind_flows(m);
}
