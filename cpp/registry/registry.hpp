#pragma once
// One registry per concept (lattice, classical model, update rule, Hamiltonian, ansatz,
// proposal, optimizer, ...). A component registers itself once, in its own file, with a
// name, its parameters (type, range, default) and its capabilities; the engine builds it by
// name from here and Python reads the same descriptions (`_engine.registry()`) for its
// choices, help texts, validation and metadata, so no name is spelled twice.
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace physml::registry {

struct Parameter {
  std::string name;
  std::string type;  // "float", "int", "bool" or "str"
  std::string help;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_inclusive = true;
};

struct Description {
  std::string concept;  // e.g. "lattice"
  std::string name;     // e.g. "square"
  std::string summary;  // one line for help texts
  std::vector<Parameter> parameters;
  std::map<std::string, bool> capabilities;
  std::map<std::string, double> facts;  // numbers a caller may need (dimension, basis sites...)
};

// Every description of every concept, in registration order within a concept.
const std::vector<Description>& catalog();
const Description& describe(const std::string& concept, const std::string& name);
std::vector<std::string> names(const std::string& concept);
// "unknown <what> 'x' (choose a, b, c)"
[[noreturn]] void unknown(const std::string& concept, const std::string& what, const std::string& name);

namespace detail {
void add_description(const Description& d);
}

// The factories of one concept. Factory is whatever builds the component (a function, or a
// value such as a unit cell).
template <class Factory>
class Registry {
 public:
  static Registry& instance() {
    static Registry r;
    return r;
  }
  bool add(const Description& d, Factory f) {
    detail::add_description(d);
    concept_ = d.concept;
    factories_.emplace_back(d.name, std::move(f));
    return true;
  }
  // what: the word for the error message ("lattice", "--algorithm", ...).
  const Factory& get(const std::string& name, const std::string& what = "") const {
    for (const auto& [n, f] : factories_)
      if (n == name) return f;
    unknown(concept_, what.empty() ? concept_ : what, name);
  }
  // The name a value was registered under (registries of plain values only).
  const std::string& name_of(const Factory& f) const {
    for (const auto& [n, g] : factories_)
      if (g == f) return n;
    throw std::logic_error(concept_ + ": a value nobody registered");
  }
  bool contains(const std::string& name) const {
    for (const auto& entry : factories_)
      if (entry.first == name) return true;
    return false;
  }

 private:
  std::string concept_;
  std::vector<std::pair<std::string, Factory>> factories_;
};

// A concept whose components are plain values (an enum's): a table of name, summary, value.
template <class Value>
struct Named {
  const char* name;
  const char* summary;
  Value value;
};

template <class Value>
bool add_values(const char* concept, std::initializer_list<Named<Value>> table) {
  auto& r = Registry<Value>::instance();
  for (const auto& v : table) r.add({concept, v.name, v.summary}, v.value);
  return true;
}

}  // namespace physml::registry
