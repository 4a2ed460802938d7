// cpp/bindings is the only code that knows about Python: one file per engine subsystem
// (bindings/bindings.hpp), this one for the module itself and what the build and the CPU
// can do. Long-running calls release the GIL so Python's signal handlers and progress
// display keep running between calls.
#include <Eigen/Core>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "mc/checkerboard_square.hpp"

#ifdef PHYSML_HAVE_OPENMP
#include <omp.h>
#endif

namespace py = pybind11;
using namespace physml;

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
}
