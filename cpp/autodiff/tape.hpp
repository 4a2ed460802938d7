#pragma once
// Reverse-mode automatic differentiation on a tape of Eigen matrices. Every value is a
// (batch, features) row-major matrix, so one tape records a whole mini-batch. Ops append a
// node holding their value and a closure that pushes the node's gradient to its inputs;
// backward() replays the closures in reverse. Parameters live outside the tape (in the
// network) and receive their gradients directly, so the tape is rebuilt per batch.
#include <Eigen/Dense>
#include <functional>
#include <stdexcept>
#include <vector>

namespace physml::autodiff {

template <class S>
using Matrix = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <class S>
struct Parameter {
  Matrix<S> value, grad;
  bool is_bias = false;  // penalties (L1/L2) act on weights only
};

struct Var {
  int id = -1;
};

template <class S>
class Tape {
 public:
  using Backward = std::function<void(Tape&, Var self, const Matrix<S>& grad)>;

  explicit Tape(int threads = 1) : threads_(threads < 1 ? 1 : threads) {}

  int threads() const { return threads_; }

  // Data: no gradient flows into it. The matrix must outlive the tape.
  Var constant(const Matrix<S>& value) { return push(nullptr, &value, false); }

  Var parameter(Parameter<S>& p) {
    if (p.grad.rows() != p.value.rows() || p.grad.cols() != p.value.cols())
      p.grad = Matrix<S>::Zero(p.value.rows(), p.value.cols());
    return push(&p, &p.value, true);
  }

  // An op's output; `backward` receives d loss / d output and adds to its inputs' gradients.
  Var record(Matrix<S>&& value, bool needs_grad, Backward backward) {
    Node n;
    n.own = std::move(value);
    n.needs_grad = needs_grad;
    n.back = std::move(backward);
    nodes_.push_back(std::move(n));
    return Var{int(nodes_.size()) - 1};
  }

  const Matrix<S>& value(Var v) const {
    const Node& n = nodes_.at(size_t(v.id));
    return n.external ? *n.external : n.own;
  }
  bool needs_grad(Var v) const { return nodes_.at(size_t(v.id)).needs_grad; }

  // Where d loss / d v accumulates (zeroed on first use); null when v needs no gradient.
  Matrix<S>* gradient(Var v) {
    Node& n = nodes_[size_t(v.id)];
    if (!n.needs_grad) return nullptr;
    if (n.param) return &n.param->grad;
    if (n.grad.size() == 0) {
      const Matrix<S>& x = value(v);
      n.grad = Matrix<S>::Zero(x.rows(), x.cols());
    }
    return &n.grad;
  }

  // grad(v) += g, for inputs that need a gradient.
  template <class Expr>
  void accumulate(Var v, const Expr& g) {
    if (Matrix<S>* target = gradient(v)) *target += g;
  }

  // Gradients of the scalar (1x1) `loss` with respect to every parameter on the tape.
  void backward(Var loss) {
    if (value(loss).size() != 1) throw std::logic_error("backward() needs a scalar loss");
    nodes_[size_t(loss.id)].grad = Matrix<S>::Ones(1, 1);
    for (int i = loss.id; i >= 0; --i) {
      Node& n = nodes_[size_t(i)];
      if (!n.back || n.grad.size() == 0) continue;
      n.back(*this, Var{i}, n.grad);
      n.grad.resize(0, 0);  // free as we go: early layers' gradients are the big ones
    }
  }

  void clear() { nodes_.clear(); }

 private:
  struct Node {
    Matrix<S> own, grad;
    const Matrix<S>* external = nullptr;
    Parameter<S>* param = nullptr;
    bool needs_grad = false;
    Backward back;
  };
  Var push(Parameter<S>* p, const Matrix<S>* ext, bool needs) {
    Node n;
    n.param = p;
    n.external = ext;
    n.needs_grad = needs;
    nodes_.push_back(std::move(n));
    return Var{int(nodes_.size()) - 1};
  }

  std::vector<Node> nodes_;
  int threads_;
};

// Runs body(begin, end) over [0, n) in blocks whose boundaries depend on n and the work
// only, never on the thread count, so results are identical for any number of threads.
// Small jobs stay in one block: an OpenMP region costs more than they do.
void parallel_blocks(long n, double work_per_item, int threads,
                     const std::function<void(long, long)>& body);

}  // namespace physml::autodiff
