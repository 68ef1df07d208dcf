// The Embedding's row-sparse gradient: the model clears and the optimizer updates only the rows
// a batch used. Synthetic ids and targets; the known answers are the dense SGD rule and
// "rows not used stay exactly as they were".
#include <catch2/catch.hpp>

#include "gradcheck.hpp"
#include "layers/embedding.hpp"
#include "model/model.hpp"
#include "model_test_util.hpp"
#include "optimizers/optimizer.hpp"

using namespace simdnn;
using namespace simdnn::test;

namespace {

std::shared_ptr<Model> embedding_model(const char* optimizer, Json optimizer_config) {
  set_global_seed(4);
  auto model = Model::sequential({LayerRegistry::create("Embedding", {{"name", "table"},
                                                                      {"input_dim", 50},
                                                                      {"output_dim", 3},
                                                                      {"input_shape", {4}}}),
                                  LayerRegistry::create("Flatten", Json::object()), dense(1)});
  model->compile(compile_options("mse", optimizer, std::move(optimizer_config)));
  return model;
}

Tensor& table(Model& model) { return static_cast<Embedding&>(*model.find_layer("table")).embeddings(); }

}  // namespace

TEST_CASE("SGD on the Embedding's sparse gradient equals the dense rule; unused rows stay", "[model]") {
  auto model = embedding_model("sgd", {{"learning_rate", 0.5}});
  const Tensor y = Tensor::from({2, 1}, std::vector<float>{1.0f, -1.0f});
  for (const std::vector<float>& ids : {std::vector<float>{1, 2, 7, 2, 9, 1, 3, 3}, std::vector<float>{4, 4, 4, 4, 5, 5, 5, 5}}) {
    const Tensor x = Tensor::from({2, 4}, ids);
    const Tensor before = table(*model).clone();
    model->train_on_batch({x}, {y});
    Param p = static_cast<Embedding&>(*model->find_layer("table")).params()[0];
    REQUIRE(p.sparse != nullptr);
    std::vector<char> used(50, 0);
    for (float id : ids) used[static_cast<int>(id)] = 1;
    for (int row = 0; row < 50; ++row)
      for (int j = 0; j < 3; ++j) {
        const std::size_t i = static_cast<std::size_t>(row) * 3 + j;
        CHECK(table(*model)[i] == before[i] - 0.5f * (*p.grad)[i]);  // the dense SGD rule, exactly
        if (!used[row]) CHECK((*p.grad)[i] == 0.0f);  // the previous step's rows were cleared
      }
    CHECK(p.sparse->rows.size() == static_cast<std::size_t>(std::count(used.begin(), used.end(), 1)));
  }
}

TEST_CASE("Adam on the Embedding's sparse gradient is lazy: rows a step does not use keep weights and moments", "[model]") {
  auto model = embedding_model("adam", {{"learning_rate", 0.01}});
  const Tensor y = Tensor::from({1, 1}, std::vector<float>{1.0f});
  model->train_on_batch({Tensor::from({1, 4}, std::vector<float>{1, 2, 2, 1})}, {y});
  const Tensor after_first = table(*model).clone();
  CHECK(after_first[1 * 3] != 0.0f);
  auto moments = model->optimizer().state_tensors();  // m, v per parameter; the table comes first
  const Tensor m_first = moments[0]->clone();
  model->train_on_batch({Tensor::from({1, 4}, std::vector<float>{3, 3, 3, 3})}, {y});
  for (int row : {0, 1, 2, 4, 49})
    for (int j = 0; j < 3; ++j) {
      const std::size_t i = static_cast<std::size_t>(row) * 3 + j;
      CHECK(table(*model)[i] == after_first[i]);
      CHECK((*moments[0])[i] == m_first[i]);
    }
  for (int j = 0; j < 3; ++j) CHECK(table(*model)[3 * 3 + j] != after_first[3 * 3 + j]);
}
