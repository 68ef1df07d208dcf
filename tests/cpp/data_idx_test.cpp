// IDX reader and the data-to-tensor helpers.
#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "data/idx.hpp"
#include "data/tensors.hpp"

using namespace simdnn;

namespace {

std::vector<std::uint8_t> read_fixture(const std::string& name) {
  std::ifstream in(std::string(SIMDNN_TEST_DATA) + "/" + name, std::ios::binary);
  REQUIRE(in.good());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A well-formed IDX buffer of unsigned bytes: header for `dims`, then `values`.
std::vector<std::uint8_t> idx_bytes(const std::vector<std::uint32_t>& dims,
                                    const std::vector<std::uint8_t>& values) {
  std::vector<std::uint8_t> bytes{0, 0, 0x08, static_cast<std::uint8_t>(dims.size())};
  for (std::uint32_t d : dims)
    for (int shift : {24, 16, 8, 0}) bytes.push_back(static_cast<std::uint8_t>(d >> shift));
  bytes.insert(bytes.end(), values.begin(), values.end());
  return bytes;
}

}  // namespace

TEST_CASE("read_idx reads the stored fixtures", "[data]") {
  // tests/data/tiny-images.idx: 2 images of 2 x 3 pixels; tiny-labels.idx: labels 7, 3.
  const IdxArray images = read_idx(read_fixture("tiny-images.idx"));
  CHECK(images.shape == Shape{2, 2, 3});
  CHECK(images.data == std::vector<std::uint8_t>{0, 1, 127, 128, 254, 255, 10, 20, 30, 40, 50, 60});
  const IdxArray labels = read_idx(read_fixture("tiny-labels.idx"));
  CHECK(labels.shape == Shape{2});
  CHECK(labels.data == std::vector<std::uint8_t>{7, 3});
}

TEST_CASE("read_idx handles big-endian extents and empty arrays", "[data]") {
  // 258 = 0x00000102: the byte order matters.
  std::vector<std::uint8_t> values(258 * 2);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::uint8_t>(i * 7);
  const IdxArray wide = read_idx(idx_bytes({258, 2}, values));
  CHECK(wide.shape == Shape{258, 2});
  CHECK(wide.data == values);
  const IdxArray empty = read_idx(idx_bytes({0, 28, 28}, {}));
  CHECK(empty.shape == Shape{0, 28, 28});
  CHECK(empty.data.empty());
}

TEST_CASE("read_idx rejects corrupt and truncated input with clear errors", "[data]") {
  const std::vector<std::uint8_t> good = idx_bytes({2, 3}, {1, 2, 3, 4, 5, 6});
  REQUIRE_NOTHROW(read_idx(good));
  auto expect_error = [](const std::vector<std::uint8_t>& bytes, const std::string& a,
                         const std::string& b) {
    REQUIRE_THROWS_AS(read_idx(bytes), Error);
    REQUIRE_THROWS_WITH(read_idx(bytes), Catch::StartsWith("read_idx: ") && Catch::Contains(a) &&
                                             Catch::Contains(b));
  };
  expect_error({}, "truncated header", "got 0");
  expect_error({0, 0, 8}, "at least 4 bytes", "got 3");
  // gzip magic (1f 8b): the JS side forgot to inflate.
  expect_error({0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0}, "bad magic number", "0x1F 0x8B");
  std::vector<std::uint8_t> float_type = good;
  float_type[2] = 0x0D;
  expect_error(float_type, "unsupported element type 0x0D (float32)", "expected 0x08");
  std::vector<std::uint8_t> unknown_type = good;
  unknown_type[2] = 0x42;
  expect_error(unknown_type, "unknown element type 0x42", "expected 0x08");
  expect_error({0, 0, 8, 0}, "at least 1 dimension", "got 0");
  // Three dimensions announced, two given.
  std::vector<std::uint8_t> short_header = idx_bytes({2, 3}, {});
  short_header[3] = 3;
  expect_error(short_header, "3 dimensions need 16 bytes", "got 12");
  std::vector<std::uint8_t> truncated = good;
  truncated.pop_back();
  expect_error(truncated, "truncated data: shape [2, 3] needs 6 bytes", "got 5");
  std::vector<std::uint8_t> trailing = good;
  trailing.push_back(9);
  trailing.push_back(9);
  expect_error(trailing, "needs 6 bytes", "got 8 (2 trailing bytes)");
  // Extents too large for a Shape, and products that would overflow 64 bits.
  expect_error(idx_bytes({0x80000000u}, {}), "dimension 0 is 2147483648", "maximum");
  expect_error(idx_bytes({0x7fffffffu, 0x7fffffffu, 0x7fffffffu}, {1, 2}), "truncated data",
               "more than 2^64");
  expect_error(idx_bytes({60000, 28, 28}, std::vector<std::uint8_t>(100)),
               "shape [60000, 28, 28] needs 47040000 bytes", "got 100");
}

TEST_CASE("one_hot encodes labels and rejects out-of-range ones", "[data]") {
  const std::vector<std::uint8_t> labels{2, 0, 1, 2};
  const Tensor encoded = one_hot(labels, 3);
  REQUIRE(encoded.shape() == Shape{4, 3});
  const std::vector<float> expected{0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1};
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(encoded[i] == expected[i]);

  const std::vector<std::int32_t> ids{9, 4};
  const Tensor wide = one_hot(ids, 10);
  CHECK(wide.shape() == Shape{2, 10});
  CHECK(wide[9] == 1.0f);
  CHECK(wide[10 + 4] == 1.0f);
  float total = 0.0f;
  for (float v : wide.span()) total += v;
  CHECK(total == 2.0f);
  CHECK(one_hot(std::vector<std::uint8_t>{}, 4).shape() == Shape{0, 4});

  REQUIRE_THROWS_WITH(one_hot(std::vector<std::uint8_t>{1, 10}, 10),
                      Catch::Contains("one_hot: label 10 at index 1") && Catch::Contains("0..9"));
  REQUIRE_THROWS_WITH(one_hot(std::vector<std::int32_t>{-1}, 3),
                      Catch::Contains("label -1 at index 0") && Catch::Contains("0..2"));
  REQUIRE_THROWS_WITH(one_hot(labels, 0), Catch::Contains("one_hot: classes") && Catch::Contains("got 0"));
}

TEST_CASE("images_to_float scales pixels into a tensor of the requested shape", "[data]") {
  const IdxArray images = read_idx(read_fixture("tiny-images.idx"));
  const Tensor x = images_to_float(images.data, {2, 2, 3, 1});
  REQUIRE(x.shape() == Shape{2, 2, 3, 1});
  CHECK(x[0] == 0.0f);
  CHECK(x[2] == Approx(127.0 / 255.0));
  CHECK(x[5] == Approx(1.0));
  CHECK(x[11] == Approx(60.0 / 255.0));
  const Tensor raw = images_to_float(images.data, images.shape, 1.0f);
  CHECK(raw.shape() == Shape{2, 2, 3});
  CHECK(raw[4] == 254.0f);
  REQUIRE_THROWS_WITH(images_to_float(images.data, {2, 28, 28}),
                      Catch::Contains("images_to_float: shape [2, 28, 28] holds 1568 values") &&
                          Catch::Contains("got 12 pixels"));
  REQUIRE_THROWS_WITH(images_to_float(images.data, {-2, 6}),
                      Catch::Contains("images_to_float") && Catch::Contains("negative"));
}
