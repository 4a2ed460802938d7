// The names `physml variational` answers to: its systems and its methods, registered here
// (cpp/registry/) so that the CLI's choices, help and errors read them.
#include "registry/registry.hpp"

namespace physml::variational {

enum class SystemKind { Ising, SherringtonKirkpatrick, Potts };
enum class Method { MeanField, Bethe, Van };

static const bool systems = registry::add_values<SystemKind>("variational_model", {
    {"ising", "Ising model on a lattice (--lattice, --J, --h)", SystemKind::Ising},
    {"sk", "Sherrington-Kirkpatrick glass, J_ij ~ N(0, 1/N) from --couplings-seed", SystemKind::SherringtonKirkpatrick},
    {"potts", "q-state Potts model on the square lattice (--q, --J, --h; the tensor renormalization methods)", SystemKind::Potts},
});

static const bool methods = registry::add_values<Method>("variational_method", {
    {"mean-field", "naive mean field, one magnetization for every site", Method::MeanField},
    {"bethe", "Bethe-Peierls cavity field (lattices of uniform coordination; exact on trees)", Method::Bethe},
    {"van", "variational autoregressive network (MADE), REINFORCE (Wu, Wang & Zhang 2019)", Method::Van},
});

}  // namespace physml::variational
