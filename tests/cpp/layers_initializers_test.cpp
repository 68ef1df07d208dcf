#include <catch2/catch.hpp>

#include <cmath>

#include "core/error.hpp"
#include "layers/initializers.hpp"

using namespace simdnn;

namespace {

struct Moments {
  double mean = 0, variance = 0, min = 1e30, max = -1e30;
};

Moments moments(const Tensor& t) {
  Moments m;
  for (float v : t.span()) {
    m.mean += v;
    m.min = std::min<double>(m.min, v);
    m.max = std::max<double>(m.max, v);
  }
  m.mean /= t.size();
  for (float v : t.span()) m.variance += (v - m.mean) * (v - m.mean);
  m.variance /= t.size();
  return m;
}

Tensor filled(const Json& spec, const Shape& shape, std::uint64_t seed = 11) {
  Tensor t(shape);
  Rng rng(seed);
  initialize(spec, t, rng);
  return t;
}

// Q^T Q for the rows x cols view (cols orthonormal columns when rows >= cols).
double max_gram_error(const Tensor& t, int rows, int cols, bool by_rows, double diagonal) {
  const int n = by_rows ? rows : cols, len = by_rows ? cols : rows;
  auto at = [&](int vector, int i) { return by_rows ? t[vector * cols + i] : t[i * cols + vector]; };
  double worst = 0;
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b) {
      double dot = 0;
      for (int i = 0; i < len; ++i) dot += double(at(a, i)) * at(b, i);
      worst = std::max(worst, std::fabs(dot - (a == b ? diagonal : 0.0)));
    }
  return worst;
}

}  // namespace

TEST_CASE("fans follow Keras for dense, bias and conv kernels", "[layers]") {
  CHECK(compute_fans({7}).fan_in == 7);
  CHECK(compute_fans({7}).fan_out == 7);
  CHECK(compute_fans({20, 30}).fan_in == 20);
  CHECK(compute_fans({20, 30}).fan_out == 30);
  CHECK(compute_fans({3, 5, 4, 8}).fan_in == 3 * 5 * 4);
  CHECK(compute_fans({3, 5, 4, 8}).fan_out == 3 * 5 * 8);
}

TEST_CASE("variance scaling initializers have the Keras variance", "[layers]") {
  struct Case {
    const char* name;
    double scale;
    double fan;
    bool uniform;
  };
  const Shape shape{400, 250};
  const double avg = (400 + 250) / 2.0;
  for (const Case& c : {Case{"glorot_uniform", 1, avg, true}, Case{"glorot_normal", 1, avg, false},
                        Case{"he_normal", 2, 400, false}, Case{"he_uniform", 2, 400, true},
                        Case{"lecun_normal", 1, 400, false}, Case{"lecun_uniform", 1, 400, true}}) {
    INFO(c.name);
    const Tensor t = filled(c.name, shape);
    const Moments m = moments(t);
    const double variance = c.scale / c.fan;
    CHECK(m.mean == Approx(0.0).margin(0.02 * std::sqrt(variance)));
    CHECK(m.variance == Approx(variance).epsilon(0.02));
    if (c.uniform) {
      const double limit = std::sqrt(3 * variance);
      CHECK(m.max <= limit);
      CHECK(m.min >= -limit);
      CHECK(m.max > 0.99 * limit);
    } else {
      // Truncated at two stddevs of the untruncated normal (stddev / 0.8796...).
      const double bound = 2 * std::sqrt(variance) / 0.87962566103423978;
      CHECK(m.max < bound);
      CHECK(m.min > -bound);
      CHECK(m.max > 0.95 * bound);
    }
  }
  SECTION("conv kernels use the receptive field") {
    const Moments m = moments(filled("he_normal", {3, 3, 16, 32}));
    CHECK(m.variance == Approx(2.0 / (9 * 16)).epsilon(0.04));
  }
  SECTION("general VarianceScaling, TF.js spelling") {
    const Json spec{{"class_name", "VarianceScaling"},
                    {"config", {{"scale", 3.0}, {"mode", "fanOut"}, {"distribution", "untruncated_normal"}}}};
    const Moments m = moments(filled(spec, shape));
    CHECK(m.variance == Approx(3.0 / 250).epsilon(0.02));
    CHECK(m.max > 4 * std::sqrt(3.0 / 250));  // untruncated: the tails are there
  }
}

TEST_CASE("random, constant and fixed initializers", "[layers]") {
  const Shape shape{300, 200};
  const Moments normal = moments(filled(
      Json{{"class_name", "RandomNormal"}, {"config", {{"mean", 1.0}, {"stddev", 0.5}}}}, shape));
  CHECK(normal.mean == Approx(1.0).margin(0.005));
  CHECK(normal.variance == Approx(0.25).epsilon(0.02));
  const Moments uniform = moments(filled(
      Json{{"class_name", "RandomUniform"}, {"config", {{"minval", -2.0}, {"maxval", 3.0}}}}, shape));
  CHECK(uniform.mean == Approx(0.5).margin(0.02));
  CHECK(uniform.variance == Approx(25.0 / 12).epsilon(0.02));
  CHECK(uniform.min >= -2.0);
  CHECK(uniform.max < 3.0);
  // Keras defaults: RandomNormal/TruncatedNormal stddev 0.05, RandomUniform +-0.05.
  CHECK(moments(filled("random_normal", shape)).variance == Approx(0.0025).epsilon(0.02));
  CHECK(moments(filled("random_uniform", shape)).max < 0.05);
  const Moments truncated = moments(filled(
      Json{{"class_name", "TruncatedNormal"}, {"config", {{"mean", 0.0}, {"stddev", 1.0}}}}, shape));
  CHECK(truncated.variance == Approx(0.77374).epsilon(0.02));  // unit normal cut at +-2
  CHECK(truncated.max < 2.0);
  CHECK(truncated.min > -2.0);
  const Tensor zeros = filled("zeros", {4, 3}), ones = filled("ones", {5});
  for (float v : zeros.span()) CHECK(v == 0.0f);
  for (float v : ones.span()) CHECK(v == 1.0f);
  const Tensor constant = filled(Json{{"class_name", "Constant"}, {"config", {{"value", 3.5}}}}, {6});
  for (float v : constant.span()) CHECK(v == 3.5f);
  const Tensor identity = filled("identity", {3, 4});
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 4; ++c) CHECK(identity[r * 4 + c] == (r == c ? 1.0f : 0.0f));
}

TEST_CASE("orthogonal initializer gives orthonormal columns or rows", "[layers]") {
  CHECK(max_gram_error(filled("orthogonal", {64, 64}), 64, 64, false, 1.0) < 1e-5);
  CHECK(max_gram_error(filled("orthogonal", {64, 64}), 64, 64, true, 1.0) < 1e-5);
  CHECK(max_gram_error(filled("orthogonal", {50, 20}), 50, 20, false, 1.0) < 1e-5);  // tall
  CHECK(max_gram_error(filled("orthogonal", {20, 50}), 20, 50, true, 1.0) < 1e-5);   // wide
  CHECK(max_gram_error(filled("orthogonal", {3, 4, 8}), 12, 8, false, 1.0) < 1e-5);  // rank 3
  const Json gain{{"class_name", "Orthogonal"}, {"config", {{"gain", 2.0}, {"seed", nullptr}}}};
  CHECK(max_gram_error(filled(gain, {16, 16}), 16, 16, false, 4.0) < 1e-4);
  Tensor vector({5});
  Rng rng(1);
  REQUIRE_THROWS_WITH(initialize("orthogonal", vector, rng),
                      Catch::Contains("rank 2 or more") && Catch::Contains("[5]"));
}

TEST_CASE("initializers are deterministic and accept Keras and TF.js spellings", "[layers]") {
  const Tensor a = filled("glorot_uniform", {10, 7}, 5);
  const Tensor b = filled("glorot_uniform", {10, 7}, 5);
  const Tensor c = filled("glorot_uniform", {10, 7}, 6);
  bool all_equal = true, any_differs = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    all_equal = all_equal && a[i] == b[i];
    any_differs = any_differs || a[i] != c[i];
  }
  CHECK(all_equal);
  CHECK(any_differs);
  for (const Json& spelling : {Json("glorotUniform"), Json("GlorotUniform"),
                               Json{{"class_name", "GlorotUniform"}, {"config", {{"seed", nullptr}}}},
                               Json{{"module", "keras.initializers"}, {"class_name", "GlorotUniform"},
                                    {"config", {{"seed", nullptr}}}, {"registered_name", nullptr}}}) {
    INFO(spelling.dump());
    const Tensor d = filled(spelling, {10, 7}, 5);
    for (std::size_t i = 0; i < a.size(); ++i) REQUIRE(d[i] == a[i]);
  }
  CHECK(initializer_to_json("leCunNormal") == initializer_to_json("lecun_normal"));
  CHECK(initializer_to_json("he_normal") ==
        Json::parse(R"({"class_name": "HeNormal", "config": {"seed": null}})"));
  SECTION("a seeded spec ignores the caller's generator") {
    const Json seeded{{"class_name", "RandomNormal"}, {"config", {{"seed", 3}}}};
    const Tensor s1 = filled(seeded, {20}, 1), s2 = filled(seeded, {20}, 2);
    for (std::size_t i = 0; i < s1.size(); ++i) REQUIRE(s1[i] == s2[i]);
  }
  SECTION("to_json round-trips every kind") {
    for (const Json& spec :
         {Json("zeros"), Json("ones"), Json{{"class_name", "Constant"}, {"config", {{"value", 0.3}}}},
          Json("random_normal"), Json("random_uniform"), Json("truncated_normal"),
          Json("variance_scaling"), Json("glorot_normal"), Json("he_uniform"), Json("lecun_uniform"),
          Json("orthogonal"), Json("identity")}) {
      const Json canonical = initializer_to_json(spec);
      INFO(canonical.dump());
      CHECK(initializer_to_json(canonical) == canonical);
    }
    CHECK(initializer_to_json(Json{{"class_name", "Constant"}, {"config", {{"value", 0.3}}}})
              ["config"]["value"] == 0.3);  // no float noise such as 0.30000001192092896
  }
}

TEST_CASE("initializer errors name the problem", "[layers]") {
  Tensor t({2, 2});
  Rng rng(1);
  REQUIRE_THROWS_WITH(initialize("glorot_unifrom", t, rng),
                      Catch::Contains("unknown initializer 'glorot_unifrom'") &&
                          Catch::Contains("he_normal") && Catch::Contains("orthogonal"));
  REQUIRE_THROWS_WITH(
      initialize(Json{{"class_name", "RandomNormal"}, {"config", {{"stdev", 1.0}}}}, t, rng),
      Catch::Contains("RandomNormal") && Catch::Contains("unknown option 'stdev'"));
  REQUIRE_THROWS_WITH(
      initialize(Json{{"class_name", "VarianceScaling"}, {"config", {{"mode", "fan_sum"}}}}, t, rng),
      Catch::Contains("'mode'") && Catch::Contains("fan_avg") && Catch::Contains("fan_sum"));
  REQUIRE_THROWS_WITH(initialize(Json(42), t, rng), Catch::Contains("42"));
  REQUIRE_THROWS_WITH(Initializer::from_spec("nope", "Dense 'd': option 'kernel_initializer'"),
                      Catch::StartsWith("Dense 'd': option 'kernel_initializer': unknown initializer"));
}
