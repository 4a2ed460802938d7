#pragma once
// Each part of the engine registers its Python functions from its own file here.
#include <pybind11/pybind11.h>

void bind_autodiff(pybind11::module_& m);
void bind_quantum(pybind11::module_& m);
