// Python face of the lattices: geometry as arrays.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "lattice/lattice.hpp"

namespace py = pybind11;
using namespace physml;

namespace {

py::array_t<int32_t> pairs(const BondList& bonds) {
  py::array_t<int32_t> a({py::ssize_t(bonds.size()), py::ssize_t(2)});
  auto v = a.mutable_unchecked<2>();
  for (size_t k = 0; k < bonds.size(); ++k) {
    v(py::ssize_t(k), 0) = bonds[k].first;
    v(py::ssize_t(k), 1) = bonds[k].second;
  }
  return a;
}

py::array_t<int32_t> maps(const std::vector<SiteMap>& m, int n) {
  py::array_t<int32_t> a({py::ssize_t(m.size()), py::ssize_t(n)});
  for (size_t k = 0; k < m.size(); ++k) std::copy(m[k].begin(), m[k].end(), a.mutable_data(py::ssize_t(k), 0));
  return a;
}

py::array_t<int32_t> flat(const std::vector<int32_t>& v, std::vector<py::ssize_t> shape) {
  py::array_t<int32_t> a(shape);
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

}  // namespace

void bind_lattice(py::module_& m) {
  py::class_<Lattice>(m, "Lattice", py::module_local())
      .def(py::init<const std::string&, int, bool>(), py::arg("kind"), py::arg("L"), py::arg("open") = false)
      .def_property_readonly("kind", &Lattice::name)
      .def_property_readonly("L", &Lattice::linear_size)
      .def_property_readonly("n_sites", &Lattice::n_sites)
      .def_property_readonly("dimension", &Lattice::dimension)
      .def_property_readonly("basis", &Lattice::basis)
      .def_property_readonly("periodic", &Lattice::periodic)
      .def_property_readonly("coordination", &Lattice::coordination)
      .def_property_readonly("shape", [](const Lattice& l) { return py::tuple(py::cast(l.shape())); })
      .def_property_readonly("n_colors", &Lattice::n_colors)
      .def_property_readonly("neighbors", [](const Lattice& l) {
        return flat(l.neighbors(), {l.n_sites(), l.coordination()});
      }, "(n_sites, coordination), -1 past a site's neighbours (open boundaries)")
      .def_property_readonly("colors", [](const Lattice& l) { return flat(l.colors(), {l.n_sites()}); })
      .def_property_readonly("bonds", [](const Lattice& l) { return pairs(l.bonds()); })
      .def_property_readonly("next_nearest_bonds", [](const Lattice& l) { return pairs(l.next_nearest_bonds()); })
      .def("coordinates", [](const Lattice& l) {
        py::array_t<int32_t> a({py::ssize_t(l.n_sites()), py::ssize_t(l.dimension() + 1)});
        for (int i = 0; i < l.n_sites(); ++i) {
          const auto x = l.cell_of(i);
          for (int k = 0; k < l.dimension(); ++k) *a.mutable_data(i, k) = x[size_t(k)];
          *a.mutable_data(i, l.dimension()) = i % l.basis();
        }
        return a;
      }, "(n_sites, dimension + 1): cell coordinates and basis index of every site")
      .def("translations", [](const Lattice& l) { return maps(l.translations(), l.n_sites()); },
           "(n_translations, n_sites): site i goes to row[i]")
      .def("point_group", [](const Lattice& l) { return maps(l.point_group(), l.n_sites()); },
           "(n_operations, n_sites): point-group maps about the origin, identity first")
      .def("symmetry_group",
           [](const Lattice& l, const std::string& name) { return maps(l.symmetry_group(name), l.n_sites()); },
           py::arg("name"), "(|G|, n_sites): the registered symmetry group (translations | lattice)");
}
