#include "registry/registry.hpp"

namespace physml::registry {

namespace {
std::vector<Description>& storage() {
  static std::vector<Description> all;
  return all;
}
}  // namespace

void detail::add_description(const Description& d) {
  for (const Description& other : storage())
    if (other.concept == d.concept && other.name == d.name)
      throw std::logic_error("registered twice: " + d.concept + " " + d.name);
  storage().push_back(d);
}

const std::vector<Description>& catalog() { return storage(); }

std::vector<std::string> names(const std::string& concept) {
  std::vector<std::string> out;
  for (const Description& d : storage())
    if (d.concept == concept) out.push_back(d.name);
  return out;
}

void unknown(const std::string& concept, const std::string& what, const std::string& name) {
  std::string choices;
  for (const std::string& n : names(concept)) choices += (choices.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown " + what + " '" + name + "' (choose " + choices + ")");
}

const Description& describe(const std::string& concept, const std::string& name) {
  for (const Description& d : storage())
    if (d.concept == concept && d.name == name) return d;
  unknown(concept, concept, name);
}

}  // namespace physml::registry
