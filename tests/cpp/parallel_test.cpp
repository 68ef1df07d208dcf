// The engine thread pool and the kernels split across it. Threads take whole output blocks
// (or fixed k-chunks with their own partial buffers), so 1, 2 and 3 threads must give
// bitwise-equal results; each split is also checked against the reference, since a wrong
// offset would be deterministic too.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "kernels/conv.hpp"
#include "kernels/conv_forward.hpp"
#include "kernels/activations.hpp"
#include "kernels/conv_pooling.hpp"
#include "kernels/elementwise.hpp"
#include "kernels/gemm.hpp"
#include "kernels_test_support.hpp"
#include "model/model.hpp"
#include "model_test_util.hpp"
#include "optimizers/optimizer.hpp"

using namespace simdnn;
namespace k = simdnn::kernels;
using k::testing::check_all_close;
using k::testing::random_vector;

namespace {

// Up to n threads (the single-threaded wasm build has 1); restores one thread when a test
// ends, whatever it set.
struct ThreadCount {
  explicit ThreadCount(int n) { set_thread_count(std::min(n, max_threads())); }
  ~ThreadCount() { set_thread_count(1); }
};

bool bitwise_equal(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

template <typename Run>
void check_same_for_thread_counts(Run&& run) {
  set_thread_count(1);
  const std::vector<float> one = run();
  for (int threads : {2, 3}) {
    if (threads > max_threads()) continue;
    ThreadCount scope(threads);
    INFO(threads << " threads");
    CHECK(bitwise_equal(run(), one));
  }
}

struct GemmShape {
  int m, n, k;
};

}  // namespace

TEST_CASE("parallel_for covers every item once, in contiguous runs", "[parallel]") {
  ThreadCount scope(3);
  for (std::size_t items : {0u, 1u, 2u, 3u, 7u, 1000u}) {
    std::vector<std::atomic<int>> seen(items);
    std::atomic<int> calls{0};
    parallel_for(items, [&](std::size_t begin, std::size_t end) {
      CHECK(begin < end);
      ++calls;
      for (std::size_t i = begin; i < end; ++i) ++seen[i];
    });
    for (std::size_t i = 0; i < items; ++i) CHECK(seen[i] == 1);
    // About 4 runs per thread, never more runs than items.
    CHECK(calls <= std::min<int>(4 * thread_count(), static_cast<int>(items)));
  }
  // min_items_per_thread keeps small loops on one chunk.
  int chunks = 0;
  parallel_for(100, 1000, [&](std::size_t begin, std::size_t end) {
    ++chunks;
    CHECK((begin == 0 && end == 100));
  });
  CHECK(chunks == 1);
}

TEST_CASE("parallel_for runs nested loops inline and rethrows a body's error", "[parallel]") {
  ThreadCount scope(2);
  std::atomic<int> inner{0};
  parallel_for(4, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
      parallel_for(10, [&](std::size_t b, std::size_t e) { inner += static_cast<int>(e - b); });
  });
  CHECK(inner == 40);
  // Item 5 lies in the second chunk for 2 or 3 threads: a worker's error reaches the caller.
  CHECK_THROWS_WITH(parallel_for(8, [](std::size_t begin, std::size_t end) {
                      if (begin <= 5 && 5 < end) fail("the chunk holding item 5 failed");
                    }),
                    Catch::Contains("item 5 failed"));
  // The pool is still usable after an error.
  std::atomic<int> total{0};
  parallel_for(8, [&](std::size_t b, std::size_t e) { total += static_cast<int>(e - b); });
  CHECK(total == 8);
}

TEST_CASE("the pool runs jobs back to back, after its workers slept and with fewer threads",
          "[parallel]") {
  // Idle workers poll for a new job for a while and then sleep: jobs announced while they
  // poll, while they sleep and while some of them sit a job out must each run exactly once.
  ThreadCount scope(3);
  auto run_jobs = [](int jobs) {
    for (int job = 0; job < jobs; ++job) {
      const std::size_t items = 2 + job % 5;
      std::vector<std::atomic<int>> seen(items);
      parallel_for(items, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) ++seen[i];
      });
      for (std::size_t i = 0; i < items; ++i) REQUIRE(seen[i] == 1);
    }
  };
  for (int round = 0; round < 3; ++round) {
    run_jobs(500);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the workers fall asleep
    run_jobs(5);
    set_thread_count(std::min(2, max_threads()));  // one worker now sits every job out
    run_jobs(500);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    run_jobs(5);
    set_thread_count(std::min(3, max_threads()));
  }
}

TEST_CASE("add_bias_rows gives bitwise-equal results for 1, 2 and 3 threads", "[parallel][kernels]") {
  // Rows split in runs of about kElementBlock floats: narrow conv-like rows (6, 7, 16) take
  // the tiled-pattern path, wide ones (100) the per-row one; the row counts leave a ragged run.
  Rng rng(607);
  for (std::size_t cols : {6u, 7u, 16u, 100u}) {
    const std::size_t rows = (5 * kElementBlock + 13) / cols;
    INFO("rows " << rows << " cols " << cols);
    const std::vector<float> x = random_vector(rng, rows * cols), bias = random_vector(rng, cols);
    std::vector<float> want(rows * cols);
    k::reference::add_bias_rows(x.data(), bias.data(), want.data(), rows, cols);
    for (int threads = 1; threads <= 3; ++threads) {
      ThreadCount scope(threads);
      std::vector<float> got(rows * cols, 777.0f);
      k::add_bias_rows(x.data(), bias.data(), got.data(), rows, cols);
      CHECK(bitwise_equal(got, want));
    }
  }
}

TEST_CASE("set_thread_count rejects counts outside 1..max_threads", "[parallel]") {
  if (max_threads() == 1) {
    // The single-threaded wasm build: no pool to ask for.
    CHECK_THROWS_WITH(set_thread_count(2), Catch::Contains("single-threaded build"));
    return;
  }
  CHECK_THROWS_WITH(set_thread_count(0), Catch::Contains("setThreads") && Catch::Contains("got 0"));
  CHECK_THROWS_WITH(set_thread_count(max_threads() + 1), Catch::Contains("between 1 and"));
  CHECK(thread_count() == 1);
}

TEST_CASE("gemm gives bitwise-equal results for 1, 2 and 3 threads", "[parallel][kernels]") {
  Rng rng(601);
  // Row blocks (m > one 72/96-row panel block; with long B rows they share one packing of B,
  // over two column blocks and two k-slices for 150 x 1200 x 300), column blocks (small m,
  // wide n), k-chunks (small C, long k: weight gradients), odd sizes and the narrow-tile
  // widths 6 and 16.
  const std::vector<GemmShape> shapes = {{301, 7, 45},  {513, 511, 257}, {10, 517, 300},
                                         {3, 1000, 64}, {25, 6, 5000},  {150, 16, 6401},
                                         {97, 97, 97},  {5, 3, 2},      {200, 16, 150},
                                         {150, 1200, 300}};
  for (const GemmShape& s : shapes) {
    for (int t = 0; t < 4; ++t) {
      const bool ta = t & 1, tb = t & 2;
      for (float beta : {0.0f, 0.5f}) {
        INFO("m " << s.m << " n " << s.n << " k " << s.k << " trans_a " << ta << " trans_b " << tb
                  << " beta " << beta);
        const std::vector<float> a = random_vector(rng, std::size_t(s.m) * s.k);
        const std::vector<float> b = random_vector(rng, std::size_t(s.k) * s.n);
        const std::vector<float> c0 = random_vector(rng, std::size_t(s.m) * s.n);
        const int lda = ta ? s.m : s.k, ldb = tb ? s.k : s.n;
        auto run = [&] {
          std::vector<float> c = c0;
          k::gemm(ta, tb, s.m, s.n, s.k, 0.75f, a.data(), lda, b.data(), ldb, beta, c.data(), s.n);
          return c;
        };
        check_same_for_thread_counts(run);
        ThreadCount scope(2);
        std::vector<float> want = c0;
        k::reference::gemm(ta, tb, s.m, s.n, s.k, 0.75f, a.data(), lda, b.data(), ldb, beta,
                           want.data(), s.n);
        check_all_close(run(), want, 1e-4f, 1e-4f);
      }
    }
  }
}

TEST_CASE("conv forward, im2col and col2im give bitwise-equal results for 1, 2 and 3 threads",
          "[parallel][kernels]") {
  Rng rng(602);
  struct Case {
    int batch, size, channels, filters, window;
  };
  // LeNet's two convolutions (the single-channel direct kernel and im2col + GEMM blocks) and
  // an odd batch.
  for (const Case& c : {Case{64, 28, 1, 6, 5}, Case{64, 14, 6, 16, 5}, Case{7, 13, 3, 5, 3}}) {
    k::Window2D g;
    g.batch = c.batch;
    g.in_h = g.in_w = c.size;
    g.channels = c.channels;
    g.window_h = g.window_w = c.window;
    k::plan_window(g, k::Padding::same);
    INFO("batch " << c.batch << " size " << c.size << " channels " << c.channels);
    const std::vector<float> x = random_vector(rng, g.input_size());
    const std::vector<float> kernel = random_vector(rng, g.window_size() * c.filters);
    const std::vector<float> bias = random_vector(rng, c.filters);
    const std::size_t out = g.output_pixels() * c.filters;
    const k::ActivationSpec relu{k::Activation::relu};
    auto forward = [&] {
      std::vector<float> y(out, 777.0f);
      k::conv_forward(g, x.data(), kernel.data(), bias.data(), c.filters, relu, y.data());
      return y;
    };
    check_same_for_thread_counts(forward);
    std::vector<float> want(out);
    k::reference::conv_forward(g, x.data(), kernel.data(), bias.data(), c.filters, relu, want.data());
    {
      ThreadCount scope(2);
      check_all_close(forward(), want, 1e-5f, 1e-5f);
    }
    const std::size_t columns_size = g.output_pixels() * g.window_size();
    auto columns = [&] {
      std::vector<float> cols(columns_size, 777.0f);
      k::im2col(g, x.data(), cols.data());
      return cols;
    };
    check_same_for_thread_counts(columns);
    const std::vector<float> grad = random_vector(rng, columns_size);
    auto adjoint = [&] {
      std::vector<float> dx(g.input_size(), 777.0f);
      k::col2im(g, grad.data(), dx.data());
      return dx;
    };
    check_same_for_thread_counts(adjoint);
    std::vector<float> want_dx(g.input_size());
    k::reference::col2im(g, grad.data(), want_dx.data());
    ThreadCount scope(2);
    check_all_close(adjoint(), want_dx, 1e-5f, 1e-5f);
  }
}

TEST_CASE("pooling gives bitwise-equal results for 1, 2 and 3 threads", "[parallel][kernels]") {
  // Threads take whole images, at least 7 of 24x24x16 (9K floats) each: 22 images split 3 ways.
  Rng rng(605);
  k::Window2D g;
  g.batch = 22;
  g.in_h = g.in_w = 24;
  g.channels = 16;
  g.window_h = g.window_w = 3;
  g.stride_h = g.stride_w = 2;
  k::plan_window(g, k::Padding::same);
  const std::vector<float> x = random_vector(rng, g.input_size());
  const std::size_t out = g.output_pixels() * g.channels;
  const std::vector<float> dy = random_vector(rng, out);
  std::vector<std::int32_t> argmax(out);
  auto max_forward = [&] {
    std::vector<float> y(out, 777.0f);
    k::max_pool_forward(g, x.data(), y.data(), argmax.data());
    std::vector<float> values(out, 777.0f);
    k::max_pool_values(g, x.data(), values.data());
    y.insert(y.end(), values.begin(), values.end());
    for (std::int32_t i : argmax) y.push_back(static_cast<float>(i));
    return y;
  };
  check_same_for_thread_counts(max_forward);
  auto max_backward = [&] {
    std::vector<float> dx(g.input_size(), 777.0f);
    k::max_pool_backward(g, dy.data(), argmax.data(), dx.data());
    return dx;
  };
  check_same_for_thread_counts(max_backward);
  auto average = [&] {
    std::vector<float> y(out, 777.0f), dx(g.input_size(), 777.0f);
    k::average_pool_forward(g, x.data(), y.data());
    k::average_pool_backward(g, dy.data(), dx.data());
    y.insert(y.end(), dx.begin(), dx.end());
    return y;
  };
  check_same_for_thread_counts(average);
}

TEST_CASE("elementwise activations and Adam give bitwise-equal results for 1, 2 and 3 threads",
          "[parallel][kernels][optimizers]") {
  // 40,003 floats: four whole blocks of kElementBlock and a ragged fifth, so the last run has
  // a SIMD tail; with 3 threads one run starts mid-way.
  static_assert(4 * kElementBlock < 40003 && 40003 < 5 * kElementBlock);
  Rng rng(606);
  const std::size_t n = 40003;
  const std::vector<float> x = random_vector(rng, n), dy = random_vector(rng, n);
  for (k::Activation kind : {k::Activation::relu, k::Activation::elu, k::Activation::tanh,
                             k::Activation::sigmoid}) {
    INFO("activation " << static_cast<int>(kind));
    const k::ActivationSpec spec{kind, 0.0f};
    auto run = [&](auto forward, auto backward) {
      std::vector<float> y(n, 777.0f), dx(n, 777.0f);
      forward(spec, x.data(), y.data(), 1, n);
      backward(spec, x.data(), y.data(), dy.data(), dx.data(), 1, n);
      y.insert(y.end(), dx.begin(), dx.end());
      return y;
    };
    auto simd = [&] { return run(k::activation_forward, k::activation_backward); };
    check_same_for_thread_counts(simd);
    ThreadCount scope(3);
    const std::vector<float> want =
        run(k::reference::activation_forward, k::reference::activation_backward);
    check_all_close(simd(), want, 1e-5f, 1e-5f);
  }
  for (bool amsgrad : {false, true}) {
    INFO("amsgrad " << amsgrad);
    auto adam_steps = [&] {
      Tensor value({n}), grad({n});
      std::copy(x.begin(), x.end(), value.data());
      std::copy(dy.begin(), dy.end(), grad.data());
      auto adam = make_optimizer("adam", {{"learning_rate", 0.01}, {"amsgrad", amsgrad}});
      for (int step = 0; step < 3; ++step) adam->step({{"kernel", &value, &grad, true}});
      return std::vector<float>(value.data(), value.data() + n);
    };
    check_same_for_thread_counts(adam_steps);
  }
}

namespace {

std::shared_ptr<Layer> layer(const char* class_name, Json config) {
  return LayerRegistry::create(class_name, config);
}

// LeNet-5 (as in the benchmark) after two Adam steps on one batch of 64, then a prediction:
// every weight and output, flattened.
std::vector<float> lenet_after_fit_steps() {
  set_global_seed(603);
  auto model = Model::sequential({
      layer("Conv2D", {{"filters", 6}, {"kernel_size", 5}, {"padding", "same"},
                       {"activation", "relu"}, {"input_shape", {28, 28, 1}}}),
      layer("MaxPooling2D", Json::object()),
      layer("Conv2D", {{"filters", 16}, {"kernel_size", 5}, {"activation", "relu"}}),
      layer("MaxPooling2D", Json::object()),
      layer("Flatten", Json::object()),
      test::dense(120, "relu"),
      test::dense(84, "relu"),
      test::dense(10, "softmax"),
  });
  model->compile(test::compile_options("categorical_crossentropy", "adam", {{"learning_rate", 1e-3}}));
  Rng rng(604);
  Tensor x({64, 28, 28, 1}), y({64, 10});
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform(0.0f, 1.0f);
  for (int n = 0; n < 64; ++n) y[n * 10 + static_cast<int>(rng.below(10))] = 1.0f;
  model->train_on_batch({x}, {y});
  model->train_on_batch({x}, {y});
  std::vector<float> flat;
  for (const Tensor& w : model->get_weights()) flat.insert(flat.end(), w.data(), w.data() + w.size());
  const Tensor p = model->predict({x})[0];
  flat.insert(flat.end(), p.data(), p.data() + p.size());
  return flat;
}

}  // namespace

TEST_CASE("a LeNet-5 fit step and predict are bitwise-equal for 1, 2 and 3 threads",
          "[parallel][model]") {
  check_same_for_thread_counts(lenet_after_fit_steps);
}
