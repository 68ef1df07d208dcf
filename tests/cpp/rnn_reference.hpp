#pragma once
// Straightforward double-precision recurrences (Keras definitions, one step at a time, no
// GEMM, no step-major reordering) that the recurrent layers are checked against.
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/tensor.hpp"

namespace simdnn::test {

using ScalarFn = double (*)(double);
inline double ref_sigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }
inline double ref_hard_sigmoid(double v) { return std::clamp(0.2 * v + 0.5, 0.0, 1.0); }
inline double ref_tanh(double v) { return std::tanh(v); }
inline double ref_relu(double v) { return v > 0 ? v : 0.0; }

struct SequenceResult {
  std::vector<double> sequence;  // [batch, time, units], in processing order
  std::vector<double> h, c;      // [batch, units] final states (c: LSTM only)
};

namespace detail {
// x_t W[:, col] for the time step the s-th processing step reads.
inline double input_term(const Tensor& x, const Tensor& w, int b, int t, int col) {
  const int steps = x.dim(1), features = x.dim(2), width = w.dim(1);
  double sum = 0.0;
  for (int f = 0; f < features; ++f)
    sum += double(x[(std::size_t(b) * steps + t) * features + f]) * w[std::size_t(f) * width + col];
  return sum;
}
inline double recurrent_term(const std::vector<double>& h, const Tensor& u, int b, int units, int col) {
  const int width = u.dim(1);
  double sum = 0.0;
  for (int k = 0; k < units; ++k) sum += h[std::size_t(b) * units + k] * u[std::size_t(k) * width + col];
  return sum;
}
inline int time_of(int s, int steps, bool go_backwards) { return go_backwards ? steps - 1 - s : s; }
}  // namespace detail

// Gates i, f, c, o (Keras order); bias may be empty (use_bias false).
inline SequenceResult reference_lstm(const Tensor& x, const Tensor& w, const Tensor& u_kernel,
                                     const Tensor& bias, int units, bool go_backwards,
                                     ScalarFn act = ref_tanh, ScalarFn rec = ref_sigmoid) {
  const int batch = x.dim(0), steps = x.dim(1);
  SequenceResult r;
  r.h.assign(std::size_t(batch) * units, 0.0);
  r.c.assign(std::size_t(batch) * units, 0.0);
  r.sequence.assign(std::size_t(batch) * steps * units, 0.0);
  for (int s = 0; s < steps; ++s) {
    const int t = detail::time_of(s, steps, go_backwards);
    std::vector<double> h_next(r.h.size());
    for (int b = 0; b < batch; ++b) {
      for (int j = 0; j < units; ++j) {
        double z[4];
        for (int g = 0; g < 4; ++g) {
          const int col = g * units + j;
          z[g] = detail::input_term(x, w, b, t, col) + detail::recurrent_term(r.h, u_kernel, b, units, col) +
                 (bias.empty() ? 0.0 : double(bias[col]));
        }
        const std::size_t k = std::size_t(b) * units + j;
        const double c = rec(z[1]) * r.c[k] + rec(z[0]) * act(z[2]);
        r.c[k] = c;
        h_next[k] = rec(z[3]) * act(c);
        r.sequence[(std::size_t(b) * steps + s) * units + j] = h_next[k];
      }
    }
    r.h = h_next;
  }
  return r;
}

// Gates z, r, h (Keras order). reset_after: bias [2, 3u] (input row, recurrent row) and
// hh = act(x W_h + b_h + r * (h U_h + b'_h)); otherwise bias [3u] and hh = act(x W_h + b_h + (r * h) U_h).
inline SequenceResult reference_gru(const Tensor& x, const Tensor& w, const Tensor& u_kernel,
                                    const Tensor& bias, int units, bool reset_after, bool go_backwards,
                                    ScalarFn act = ref_tanh, ScalarFn rec = ref_sigmoid) {
  const int batch = x.dim(0), steps = x.dim(1), width = 3 * units;
  SequenceResult r;
  r.h.assign(std::size_t(batch) * units, 0.0);
  r.sequence.assign(std::size_t(batch) * steps * units, 0.0);
  auto input_bias = [&](int col) { return bias.empty() ? 0.0 : double(bias[col]); };
  auto recurrent_bias = [&](int col) { return bias.empty() || !reset_after ? 0.0 : double(bias[width + col]); };
  for (int s = 0; s < steps; ++s) {
    const int t = detail::time_of(s, steps, go_backwards);
    std::vector<double> h_next(r.h.size());
    for (int b = 0; b < batch; ++b) {
      std::vector<double> reset(units);
      for (int j = 0; j < units; ++j)
        reset[j] = rec(detail::input_term(x, w, b, t, units + j) + input_bias(units + j) +
                       detail::recurrent_term(r.h, u_kernel, b, units, units + j) + recurrent_bias(units + j));
      std::vector<double> reset_h(units);  // r * h_{t-1}, for reset_after = false
      for (int j = 0; j < units; ++j) reset_h[j] = reset[j] * r.h[std::size_t(b) * units + j];
      for (int j = 0; j < units; ++j) {
        const std::size_t k = std::size_t(b) * units + j;
        const double update = rec(detail::input_term(x, w, b, t, j) + input_bias(j) +
                                  detail::recurrent_term(r.h, u_kernel, b, units, j) + recurrent_bias(j));
        const int hc = 2 * units + j;
        double recurrent;
        if (reset_after) {
          recurrent = reset[j] * (detail::recurrent_term(r.h, u_kernel, b, units, hc) + recurrent_bias(hc));
        } else {
          recurrent = 0.0;
          for (int m = 0; m < units; ++m) recurrent += reset_h[m] * u_kernel[std::size_t(m) * width + hc];
        }
        const double candidate = act(detail::input_term(x, w, b, t, hc) + input_bias(hc) + recurrent);
        h_next[k] = update * r.h[k] + (1.0 - update) * candidate;
        r.sequence[(std::size_t(b) * steps + s) * units + j] = h_next[k];
      }
    }
    r.h = h_next;
  }
  return r;
}

inline SequenceResult reference_simple_rnn(const Tensor& x, const Tensor& w, const Tensor& u_kernel,
                                           const Tensor& bias, int units, bool go_backwards,
                                           ScalarFn act = ref_tanh) {
  const int batch = x.dim(0), steps = x.dim(1);
  SequenceResult r;
  r.h.assign(std::size_t(batch) * units, 0.0);
  r.sequence.assign(std::size_t(batch) * steps * units, 0.0);
  for (int s = 0; s < steps; ++s) {
    const int t = detail::time_of(s, steps, go_backwards);
    std::vector<double> h_next(r.h.size());
    for (int b = 0; b < batch; ++b)
      for (int j = 0; j < units; ++j) {
        const std::size_t k = std::size_t(b) * units + j;
        h_next[k] = act(detail::input_term(x, w, b, t, j) + detail::recurrent_term(r.h, u_kernel, b, units, j) +
                        (bias.empty() ? 0.0 : double(bias[j])));
        r.sequence[(std::size_t(b) * steps + s) * units + j] = h_next[k];
      }
    r.h = h_next;
  }
  return r;
}

// Largest |a - b| / max(1, |b|) between a float tensor and a double reference.
inline double max_relative_error(const Tensor& actual, const std::vector<double>& expected) {
  double worst = actual.size() == expected.size() ? 0.0 : 1e30;
  for (std::size_t i = 0; i < std::min(actual.size(), expected.size()); ++i)
    worst = std::max(worst, std::fabs(actual[i] - expected[i]) / std::max(1.0, std::fabs(expected[i])));
  return worst;
}

}  // namespace simdnn::test
