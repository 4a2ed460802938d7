#pragma once
// Each part of the engine registers its Python functions from its own file here.
#include <pybind11/pybind11.h>

void bind_mc(pybind11::module_& m);
void bind_linear(pybind11::module_& m);
void bind_hopfield(pybind11::module_& m);
void bind_rbm(pybind11::module_& m);
void bind_registry(pybind11::module_& m);
void bind_lattice(pybind11::module_& m);
void bind_autodiff(pybind11::module_& m);
void bind_quantum(pybind11::module_& m);
void bind_vmc(pybind11::module_& m);
void bind_variational(pybind11::module_& m);
void bind_dmrg(pybind11::module_& m);
void bind_renormalization(pybind11::module_& m);
void bind_born(pybind11::module_& m);
void bind_flows(pybind11::module_& m);

#include "ed/hamiltonian.hpp"
// The spin Hamiltonian named by the Python arguments (shared by exact and vmc).
physml::SpinHamiltonian hamiltonian(const std::string& name, const std::string& lattice, int L,
                                    double J, double h, double delta, double J2, bool open);

// The thread count the engine runs with for a requested one: refuses < 1, clamps to
// thread_limit() (module.cpp; the rule is in docs/hpc.md). Results do not depend on it.
int engine_threads(int requested);
int thread_limit();
