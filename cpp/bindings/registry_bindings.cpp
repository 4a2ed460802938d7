// Python face of the registries: every component's name, parameters and capabilities.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "registry/registry.hpp"

namespace py = pybind11;
using namespace pybind11::literals;
using namespace physml;

void bind_registry(py::module_& m) {
  m.def("registry", []() {
    py::dict out;
    for (const registry::Description& d : registry::catalog()) {
      py::list params;
      for (const registry::Parameter& p : d.parameters) {
        py::dict q("name"_a = p.name, "type"_a = p.type, "help"_a = p.help, "min"_a = p.min,
                     "max"_a = p.max, "min_inclusive"_a = p.min_inclusive);
        params.append(q);
      }
      py::dict e("name"_a = d.name, "summary"_a = d.summary, "parameters"_a = params,
                   "capabilities"_a = d.capabilities, "facts"_a = d.facts);
      if (!out.contains(d.concept)) out[py::str(d.concept)] = py::list();
      out[py::str(d.concept)].cast<py::list>().append(e);
    }
    return out;
  }, "{concept: [{name, summary, parameters, capabilities, facts}, ...]} in registration order.");
}
