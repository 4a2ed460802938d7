// Python face of the autodiff engine: networks travel as (architecture string, input
// shape, list of parameter arrays), so a model file can rebuild them exactly.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "autodiff/training.hpp"
#include "bindings/bindings.hpp"

namespace py = pybind11;
using namespace pybind11::literals;
using namespace physml::autodiff;

namespace {

using Shape = std::tuple<int, int, int>;

InputShape input_shape(const Shape& s) {
  return InputShape{std::get<0>(s), std::get<1>(s), std::get<2>(s)};
}

template <class S>
Matrix<S> to_matrix(const py::array_t<S, py::array::c_style | py::array::forcecast>& a, const char* what) {
  if (a.ndim() != 2) throw std::invalid_argument(std::string(what) + " must be a 2-D array");
  Matrix<S> m(a.shape(0), a.shape(1));
  std::copy(a.data(), a.data() + a.size(), m.data());
  return m;
}

template <class S>
Network<S> make_network(const std::string& architecture, const Shape& shape,
                        const std::vector<py::array_t<S, py::array::c_style | py::array::forcecast>>& params) {
  Network<S> net(architecture, input_shape(shape));
  auto& p = net.parameters();
  if (params.size() != p.size())
    throw std::invalid_argument("the architecture has " + std::to_string(p.size()) +
                                " parameter arrays, " + std::to_string(params.size()) + " were given");
  for (size_t i = 0; i < p.size(); ++i) {
    Matrix<S> v = to_matrix<S>(params[i], "a parameter array");
    if (v.rows() != p[i].value.rows() || v.cols() != p[i].value.cols())
      throw std::invalid_argument("parameter array " + std::to_string(i) + " has the wrong shape");
    if (!v.allFinite()) throw std::invalid_argument("parameters contain NaN or infinite values");
    p[i].value = std::move(v);
  }
  return net;
}

// Targets for `loss` from a (n, k) array: class indices or regression values.
template <class S>
Targets<S> make_targets(const py::array_t<double, py::array::c_style | py::array::forcecast>& y, Loss loss) {
  Targets<S> t;
  if (y.ndim() != 2) throw std::invalid_argument("targets must be a 2-D array");
  if (loss == Loss::MeanSquaredError) {
    t.values = to_matrix<double>(y, "targets").template cast<S>();
    return t;
  }
  if (y.shape(1) != 1) throw std::invalid_argument("classification needs one label per sample");
  for (py::ssize_t i = 0; i < y.shape(0); ++i) {
    const double v = y.data()[i];
    if (!(v >= 0 && v == std::floor(v) && v < 2147483647.0))
      throw std::invalid_argument("class labels must be non-negative integers");
    t.classes.push_back(int(v));
  }
  return t;
}

template <class S>
py::list parameter_list(const Network<S>& net) {
  py::list out;
  for (const auto& p : net.parameters()) out.append(py::cast(p.value));
  return out;
}

using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;
using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

}  // namespace

void bind_autodiff(py::module_& m) {
  m.def("mlp_init",
        [](const std::string& architecture, const Shape& shape, const std::string& init, uint64_t seed) {
          Network<float> net(architecture, input_shape(shape));
          net.initialize(parse_init(init), seed);
          return parameter_list(net);
        },
        py::arg("architecture"), py::arg("input_shape"), py::arg("init") = "auto", py::arg("seed") = 0,
        "Initial parameters [W0, b0, W1, b1, ...] (float32) of a network.");
  m.def("mlp_outputs",
        [](const std::string& architecture, const Shape& shape) {
          return Network<float>(architecture, input_shape(shape)).outputs();
        },
        py::arg("architecture"), py::arg("input_shape"));
  m.def("mlp_train",
        [](const FloatArray& X, const DoubleArray& y, const FloatArray& X_val, const DoubleArray& y_val,
           const std::string& architecture, const Shape& shape, const std::string& loss,
           const std::string& optimizer, double lr, int epochs, int batch_size, double momentum,
           double weight_decay, double l1, double l2, int patience, const std::string& init,
           uint64_t seed, int threads) {
          TrainOptions opt;
          opt.loss = parse_loss(loss);
          opt.optimizer = parse_optimizer(optimizer);
          opt.settings.lr = lr;
          opt.settings.momentum = momentum;
          opt.settings.weight_decay = weight_decay;
          opt.epochs = epochs;
          opt.batch_size = batch_size;
          opt.l1 = l1;
          opt.l2 = l2;
          opt.patience = patience;
          opt.seed = seed;
          opt.threads = engine_threads(threads);
          Network<float> net(architecture, input_shape(shape));
          net.initialize(parse_init(init), seed);
          const Matrix<float> Xt = to_matrix<float>(X, "X"), Xv = to_matrix<float>(X_val, "X_val");
          const Targets<float> yt = make_targets<float>(y, opt.loss), yv = make_targets<float>(y_val, opt.loss);
          History h;
          {
            py::gil_scoped_release release;
            h = train(net, Xt, yt, Xv, yv, opt);
          }
          py::dict d("params"_a = parameter_list(net), "train_loss"_a = h.train_loss,
                       "train_score"_a = h.train_score, "val_loss"_a = h.val_loss,
                       "val_score"_a = h.val_score, "best_epoch"_a = h.best_epoch,
                       "stopped_early"_a = h.stopped_early);
          return d;
        },
        py::arg("X"), py::arg("y"), py::arg("X_val"), py::arg("y_val"), py::arg("architecture"),
        py::arg("input_shape"), py::arg("loss") = "cross-entropy", py::arg("optimizer") = "adam",
        py::arg("lr") = 1e-3, py::arg("epochs") = 10, py::arg("batch_size") = 64,
        py::arg("momentum") = 0.9, py::arg("weight_decay") = 0.0, py::arg("l1") = 0.0,
        py::arg("l2") = 0.0, py::arg("patience") = 0, py::arg("init") = "auto", py::arg("seed") = 0,
        py::arg("threads") = 1,
        "Train a network in float32: {'params', 'train_loss', 'train_score', 'val_loss', 'val_score', "
        "'best_epoch', 'stopped_early'}.");
  m.def("mlp_predict",
        [](const std::string& architecture, const Shape& shape, const std::vector<FloatArray>& params,
           const FloatArray& X, const std::string& loss, int threads) {
          const Network<float> net = make_network<float>(architecture, shape, params);
          const Matrix<float> Xm = to_matrix<float>(X, "X");
          py::gil_scoped_release release;
          return predict(net, Xm, parse_loss(loss), engine_threads(threads));
        },
        py::arg("architecture"), py::arg("input_shape"), py::arg("params"), py::arg("X"),
        py::arg("loss") = "cross-entropy", py::arg("threads") = 1,
        "Class probabilities (cross entropies) or predicted values (mse), one row per sample.");
  m.def("mlp_evaluate",
        [](const std::string& architecture, const Shape& shape, const std::vector<FloatArray>& params,
           const FloatArray& X, const DoubleArray& y, const std::string& loss, int threads) {
          const Network<float> net = make_network<float>(architecture, shape, params);
          const Loss l = parse_loss(loss);
          const Matrix<float> Xm = to_matrix<float>(X, "X");
          const Targets<float> t = make_targets<float>(y, l);
          py::gil_scoped_release release;
          const Evaluation e = evaluate(net, Xm, t, l, engine_threads(threads));
          return std::make_pair(e.loss, e.score);
        },
        py::arg("architecture"), py::arg("input_shape"), py::arg("params"), py::arg("X"), py::arg("y"),
        py::arg("loss") = "cross-entropy", py::arg("threads") = 1,
        "(loss, score): mean loss and accuracy (cross entropies) or R^2 (mse).");
  m.def("mlp_loss_gradient",
        [](const std::string& architecture, const Shape& shape, const std::vector<DoubleArray>& params,
           const DoubleArray& X, const DoubleArray& y, const std::string& loss, double l1, double l2,
           bool training, uint64_t seed, uint64_t step, int threads) {
          Network<double> net = make_network<double>(architecture, shape, params);
          TrainOptions opt;
          opt.loss = parse_loss(loss);
          opt.l1 = l1;
          opt.l2 = l2;
          opt.seed = seed;
          opt.threads = engine_threads(threads);
          const Matrix<double> Xm = to_matrix<double>(X, "X");
          const double value = loss_and_gradient(net, Xm, make_targets<double>(y, opt.loss), opt, training, step);
          py::list grads;
          for (const auto& p : net.parameters()) grads.append(py::cast(p.grad));
          return std::make_pair(value, grads);
        },
        py::arg("architecture"), py::arg("input_shape"), py::arg("params"), py::arg("X"), py::arg("y"),
        py::arg("loss") = "cross-entropy", py::arg("l1") = 0.0, py::arg("l2") = 0.0,
        py::arg("training") = false, py::arg("seed") = 0, py::arg("step") = 0, py::arg("threads") = 1,
        "(loss, [d loss / d parameter]) in double precision for one batch: for gradient checks.");
}
