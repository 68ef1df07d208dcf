#pragma once
// A fixed pool of engine threads and parallel_for over contiguous chunks of independent items.
//
// Determinism is the caller's contract: each item writes its own outputs and never depends on
// which thread ran it or how the items were chunked, so 1 and N threads give bitwise-equal
// results. Kernels choose their items (output blocks, fixed k-chunks) from the problem shape
// alone, never from the thread count.
//
// The single-threaded wasm build (no -pthread) has no pool at all: parallel_for is an inline
// loop and the thread count is fixed at 1. Native builds and the threaded wasm build start
// their workers on the first set_thread_count(n > 1).
#include <cstddef>

namespace simdnn {

// Threads the engine may use at most (the caller plus pool workers). The threaded wasm build
// sets this to its PTHREAD_POOL_SIZE + 1: more workers than the pool holds would abort.
int max_threads();
// Threads parallel_for uses now (>= 1).
int thread_count();
// Fails with a clear error unless 1 <= n <= max_threads(). Must not be called from inside a
// parallel_for body.
void set_thread_count(int n);

namespace parallel_detail {
using ChunkFn = void (*)(void* context, std::size_t begin, std::size_t end);
void run(std::size_t items, std::size_t min_items_per_thread, ChunkFn fn, void* context);
}  // namespace parallel_detail

// Calls body(begin, end) over contiguous runs covering [0, items) exactly once, on up to
// thread_count() threads (the calling thread included), which claim runs of about
// items / (4 * threads) from a shared counter. At least min_items_per_thread items go to each
// thread, so small loops stay on the calling thread in one call. Nested calls (from inside a
// body) run inline. An exception thrown by a body is rethrown on the calling thread after
// every running body returned.
template <typename Body>
void parallel_for(std::size_t items, std::size_t min_items_per_thread, Body&& body) {
  parallel_detail::run(
      items, min_items_per_thread,
      [](void* context, std::size_t begin, std::size_t end) {
        (*static_cast<Body*>(context))(begin, end);
      },
      &body);
}

template <typename Body>
void parallel_for(std::size_t items, Body&& body) {
  parallel_for(items, 1, static_cast<Body&&>(body));
}

// Elementwise passes over [0, count): body(begin, end) on runs of whole blocks of
// kElementBlock floats (a multiple of every SIMD width, so only the last run has a tail, as
// in one call over everything). Below kMinElementsPerThread elements per thread the pass
// stays on the calling thread: waking a worker costs more than it saves.
inline constexpr std::size_t kElementBlock = 8192;
inline constexpr std::size_t kMinElementsPerThread = 2 * kElementBlock;

template <typename Body>
void parallel_for_elements(std::size_t count, Body&& body) {
  const std::size_t blocks = (count + kElementBlock - 1) / kElementBlock;
  parallel_for(blocks, kMinElementsPerThread / kElementBlock,
               [&](std::size_t first, std::size_t end) {
                 const std::size_t begin = first * kElementBlock;
                 body(begin, end * kElementBlock < count ? end * kElementBlock : count);
               });
}

}  // namespace simdnn
