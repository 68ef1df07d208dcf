// SGD with optional momentum and Nesterov momentum (keras/src/optimizers/sgd.py):
//   v = momentum * v - lr * g;  w += v            (plain momentum)
//   v = momentum * v - lr * g;  w += momentum * v - lr * g   (nesterov)
//   w -= lr * g                                   (momentum 0: no state at all)
#include "optimizers/option_reading.hpp"

namespace simdnn::optimizers {
namespace {

class SGD final : public Optimizer {
 public:
  SGD(OptimizerOptions options, double momentum, bool nesterov)
      : Optimizer(std::move(options)), momentum_(momentum), nesterov_(nesterov) {}
  std::string name() const override { return "SGD"; }

  Json config() const override {
    Json c = base_config();
    c["momentum"] = momentum_;
    c["nesterov"] = nesterov_;
    return c;
  }

 protected:
  std::vector<std::vector<std::string>> slot_groups() const override {
    if (momentum_ == 0.0) return {};
    return {{"momentum"}};
  }

  void update(std::size_t index, Tensor& value, const Tensor& grad, float lr) override {
    float* w = value.data();
    const float* g = grad.data();
    const std::size_t n = value.size();
    if (momentum_ == 0.0) {
      for (std::size_t i = 0; i < n; ++i) w[i] -= lr * g[i];
      return;
    }
    const float m = static_cast<float>(momentum_);
    float* v = slot(index, 0).data();
    if (nesterov_) {
      for (std::size_t i = 0; i < n; ++i) {
        v[i] = m * v[i] - lr * g[i];
        w[i] += m * v[i] - lr * g[i];
      }
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        v[i] = m * v[i] - lr * g[i];
        w[i] += v[i];
      }
    }
  }

 private:
  double momentum_;
  bool nesterov_;
};

}  // namespace

std::unique_ptr<Optimizer> make_sgd(const Json& config) {
  ConfigReader reader(config, "SGD");
  OptimizerOptions common = read_common_options(reader, "SGD", 0.01, std::nullopt);
  const double momentum = number_option(reader, "momentum", 0.0, 0.0, 1.0);
  const bool nesterov = reader.boolean("nesterov", false);
  reader.finish();
  return std::make_unique<SGD>(std::move(common), momentum, nesterov);
}

}  // namespace simdnn::optimizers
