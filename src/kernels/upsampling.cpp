// Plain loops: every output cell is a copy or a 4-tap blend over contiguous channel runs,
// which the compiler vectorises; the cost is memory traffic, not arithmetic.
#include "kernels/upsampling.hpp"

#include <algorithm>
#include <cmath>

namespace simdnn::kernels {

namespace {
// Where output index `o` samples an input axis of length `in` upsampled by `size`.
struct Tap {
  int lo, hi;
  float frac;  // weight of hi
};

Tap bilinear_tap(int o, int in, int size) {
  const float src = (static_cast<float>(o) + 0.5f) / static_cast<float>(size) - 0.5f;
  const float base = std::floor(src);
  const int lo = static_cast<int>(base);
  Tap t;
  t.frac = src - base;
  t.lo = std::clamp(lo, 0, in - 1);
  t.hi = std::clamp(lo + 1, 0, in - 1);
  return t;
}
}  // namespace

void upsample_nearest(const Upsample2D& u, const float* x, float* y) {
  const int out_h = u.in_h * u.size_h, out_w = u.in_w * u.size_w, c = u.channels;
  for (int b = 0; b < u.batch; ++b)
    for (int oy = 0; oy < out_h; ++oy) {
      const float* row = x + ((static_cast<std::size_t>(b) * u.in_h + oy / u.size_h) * u.in_w) * c;
      float* out = y + ((static_cast<std::size_t>(b) * out_h + oy) * out_w) * c;
      for (int ox = 0; ox < out_w; ++ox) std::copy_n(row + static_cast<std::size_t>(ox / u.size_w) * c, c, out + static_cast<std::size_t>(ox) * c);
    }
}

void upsample_nearest_backward(const Upsample2D& u, const float* dy, float* dx) {
  const int out_h = u.in_h * u.size_h, out_w = u.in_w * u.size_w, c = u.channels;
  std::fill_n(dx, static_cast<std::size_t>(u.batch) * u.in_h * u.in_w * c, 0.0f);
  for (int b = 0; b < u.batch; ++b)
    for (int oy = 0; oy < out_h; ++oy) {
      float* row = dx + ((static_cast<std::size_t>(b) * u.in_h + oy / u.size_h) * u.in_w) * c;
      const float* g = dy + ((static_cast<std::size_t>(b) * out_h + oy) * out_w) * c;
      for (int ox = 0; ox < out_w; ++ox) {
        float* cell = row + static_cast<std::size_t>(ox / u.size_w) * c;
        const float* gc = g + static_cast<std::size_t>(ox) * c;
        for (int k = 0; k < c; ++k) cell[k] += gc[k];
      }
    }
}

void upsample_bilinear(const Upsample2D& u, const float* x, float* y) {
  const int out_h = u.in_h * u.size_h, out_w = u.in_w * u.size_w, c = u.channels;
  for (int b = 0; b < u.batch; ++b) {
    const float* image = x + static_cast<std::size_t>(b) * u.in_h * u.in_w * c;
    for (int oy = 0; oy < out_h; ++oy) {
      const Tap ty = bilinear_tap(oy, u.in_h, u.size_h);
      const float* top = image + static_cast<std::size_t>(ty.lo) * u.in_w * c;
      const float* bottom = image + static_cast<std::size_t>(ty.hi) * u.in_w * c;
      float* out = y + ((static_cast<std::size_t>(b) * out_h + oy) * out_w) * c;
      for (int ox = 0; ox < out_w; ++ox) {
        const Tap tx = bilinear_tap(ox, u.in_w, u.size_w);
        const float* tl = top + static_cast<std::size_t>(tx.lo) * c;
        const float* tr = top + static_cast<std::size_t>(tx.hi) * c;
        const float* bl = bottom + static_cast<std::size_t>(tx.lo) * c;
        const float* br = bottom + static_cast<std::size_t>(tx.hi) * c;
        float* o = out + static_cast<std::size_t>(ox) * c;
        for (int k = 0; k < c; ++k) {
          // TF's order: blend along x on both rows, then along y.
          const float t = tl[k] + (tr[k] - tl[k]) * tx.frac;
          const float d = bl[k] + (br[k] - bl[k]) * tx.frac;
          o[k] = t + (d - t) * ty.frac;
        }
      }
    }
  }
}

void upsample_bilinear_backward(const Upsample2D& u, const float* dy, float* dx) {
  const int out_h = u.in_h * u.size_h, out_w = u.in_w * u.size_w, c = u.channels;
  std::fill_n(dx, static_cast<std::size_t>(u.batch) * u.in_h * u.in_w * c, 0.0f);
  for (int b = 0; b < u.batch; ++b) {
    float* image = dx + static_cast<std::size_t>(b) * u.in_h * u.in_w * c;
    for (int oy = 0; oy < out_h; ++oy) {
      const Tap ty = bilinear_tap(oy, u.in_h, u.size_h);
      float* top = image + static_cast<std::size_t>(ty.lo) * u.in_w * c;
      float* bottom = image + static_cast<std::size_t>(ty.hi) * u.in_w * c;
      const float* g = dy + ((static_cast<std::size_t>(b) * out_h + oy) * out_w) * c;
      for (int ox = 0; ox < out_w; ++ox) {
        const Tap tx = bilinear_tap(ox, u.in_w, u.size_w);
        const float w_tl = (1 - ty.frac) * (1 - tx.frac), w_tr = (1 - ty.frac) * tx.frac;
        const float w_bl = ty.frac * (1 - tx.frac), w_br = ty.frac * tx.frac;
        float* tl = top + static_cast<std::size_t>(tx.lo) * c;
        float* tr = top + static_cast<std::size_t>(tx.hi) * c;
        float* bl = bottom + static_cast<std::size_t>(tx.lo) * c;
        float* br = bottom + static_cast<std::size_t>(tx.hi) * c;
        const float* gc = g + static_cast<std::size_t>(ox) * c;
        for (int k = 0; k < c; ++k) {
          tl[k] += w_tl * gc[k];
          tr[k] += w_tr * gc[k];
          bl[k] += w_bl * gc[k];
          br[k] += w_br * gc[k];
        }
      }
    }
  }
}

}  // namespace simdnn::kernels
