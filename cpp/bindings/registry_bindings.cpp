// Python face of the registries: every component's name, parameters and capabilities.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "registry/registry.hpp"

namespace py = pybind11;
using namespace physml;

void bind_registry(py::module_& m) {
  m.def("registry", []() {
    py::dict out;
    for (const registry::Description& d : registry::catalog()) {
      py::list params;
      for (const registry::Parameter& p : d.parameters) {
        py::dict q;
        q["name"] = p.name;
        q["type"] = p.type;
        q["help"] = p.help;
        q["min"] = p.min;
        q["max"] = p.max;
        q["min_inclusive"] = p.min_inclusive;
        params.append(q);
      }
      py::dict e;
      e["name"] = d.name;
      e["summary"] = d.summary;
      e["parameters"] = params;
      e["capabilities"] = d.capabilities;
      e["facts"] = d.facts;
      if (!out.contains(d.concept)) out[py::str(d.concept)] = py::list();
      out[py::str(d.concept)].cast<py::list>().append(e);
    }
    return out;
  }, "{concept: [{name, summary, parameters, capabilities, facts}, ...]} in registration order.");
}
