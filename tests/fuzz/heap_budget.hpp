#pragma once
// Tensors are allocated with aligned nothrow new (core/tensor.cpp). In a browser the wasm heap
// stops at its maximum and that allocation returns null, which the engine reports as an Error;
// natively the fuzzer would instead commit gigabytes for a file declaring huge layers. These
// replacements give the fuzz binary a browser-like ceiling on single tensor allocations so the
// same refusal path runs here.
#include <cstddef>
#include <cstdlib>
#include <new>

namespace simdnn::fuzz {
inline constexpr std::size_t kMaxTensorBytes = std::size_t(256) << 20;
}

void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  if (size > simdnn::fuzz::kMaxTensorBytes) return nullptr;
  const auto a = static_cast<std::size_t>(align);
  return std::aligned_alloc(a, (size + a - 1) / a * a);
}

void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
