#pragma once
// Shared by the libFuzzer targets: what counts as a clean rejection of hostile input.
// The engine's contract is that bad input throws simdnn::Error (surfaced to JS as an Error);
// running out of memory surfaces as "out of memory" (wasm/guard.hpp; scripts/fuzz.sh caps single
// allocations the way the wasm heap's ceiling does). Any other exception,
// a sanitizer report, a crash, a timeout or the RSS limit is a finding.
#include <cstddef>
#include <new>

#include "core/error.hpp"

namespace simdnn::fuzz {

template <typename F>
void expect_clean(F&& body) {
  try {
    body();
  } catch (const simdnn::Error&) {
  } catch (const std::bad_alloc&) {
  }
}

}  // namespace simdnn::fuzz
