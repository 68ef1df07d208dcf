// The engine thread pool behind parallel_for (see parallel.hpp).
#include "core/parallel.hpp"

#include <algorithm>

#include "core/error.hpp"

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define SIMDNN_SINGLE_THREADED 1
#else
#include <atomic>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>
#endif

namespace simdnn {
#ifdef SIMDNN_SINGLE_THREADED

int max_threads() { return 1; }
int thread_count() { return 1; }
void set_thread_count(int n) {
  check(n == 1, "setThreads: this is the single-threaded build, threads must be 1, got ", n,
        " (load the threaded build for more)");
}

namespace parallel_detail {
void run(std::size_t items, std::size_t, ChunkFn fn, void* context) {
  if (items > 0) fn(context, 0, items);
}
}  // namespace parallel_detail

#else

namespace {

std::size_t chunk_count(std::size_t items, std::size_t min_items, int threads) {
  const std::size_t by_size = items / std::max<std::size_t>(min_items, 1);
  return std::max<std::size_t>(1, std::min<std::size_t>(by_size, static_cast<std::size_t>(threads)));
}

// Runs of `grain` items are claimed from a shared counter rather than fixed per thread: on a
// busy machine a descheduled worker then delays the loop by at most one run, not by its whole
// share. Which thread runs an item never changes what the item computes.
void claim_runs(std::atomic<std::size_t>& next, std::size_t items, std::size_t grain,
                parallel_detail::ChunkFn fn, void* context) {
  for (;;) {
    const std::size_t begin = next.fetch_add(grain);
    if (begin >= items) return;
    fn(context, begin, std::min(items, begin + grain));
  }
}

#ifdef SIMDNN_POOL_SIZE
constexpr int kMaxThreads = SIMDNN_POOL_SIZE + 1;
#else
constexpr int kMaxThreads = 16;
#endif

// Set on pool workers for good and on the caller while it runs its own chunk: a nested
// parallel_for then runs inline instead of waiting on workers that are all busy.
thread_local bool inside_parallel_body = false;

// A training step runs dozens of parallel loops a few hundred microseconds apart. Putting a
// worker to sleep and waking it again through the futex costs tens of microseconds each way
// (more under wasm, where the wake goes through Atomics.notify), so idle workers and a waiting
// caller first poll for this long before they sleep.
constexpr auto kSpinBeforeSleep = std::chrono::microseconds(200);

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Polls `ready` until it holds or kSpinBeforeSleep has passed; true when it held.
template <typename Ready>
bool spin_until(Ready&& ready) {
  const auto deadline = std::chrono::steady_clock::now() + kSpinBeforeSleep;
  for (unsigned polls = 1;; ++polls) {
    if (ready()) return true;
    cpu_relax();
    // The clock is a call out of wasm: read it now and then, not on every poll.
    if (polls % 64 == 0 && std::chrono::steady_clock::now() >= deadline) return false;
  }
}

class Pool {
 public:
  ~Pool() { resize(0); }

  int workers() const { return static_cast<int>(threads_.size()); }

  // Joins the current workers, then starts `count` new ones (the pool is idle here).
  void resize(int count) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_.store(true);
    }
    wake_.notify_all();
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
    stopping_.store(false);
    // The job the new workers have seen is read here, not when they start running: by then
    // the caller may have announced a job they must not miss.
    const std::uint64_t seen = job_.load();
    for (int i = 0; i < count; ++i) threads_.emplace_back([this, i, seen] { work(i + 1, seen); });
  }

  void run(std::size_t items, std::size_t chunks, parallel_detail::ChunkFn fn, void* context) {
    // Only the workers taking part in the previous job read these fields, and all of them
    // finished it (pending_ reached 0) before this call began.
    fn_ = fn;
    context_ = context;
    items_ = items;
    // About 4 runs per thread: small enough to rebalance, large enough to keep blocks whole.
    grain_ = std::max<std::size_t>(1, (items + 4 * chunks - 1) / (4 * chunks));
    next_.store(0, std::memory_order_relaxed);
    error_ = nullptr;
    pending_.store(chunks - 1, std::memory_order_relaxed);
    {
      // Under the mutex so that a worker about to sleep either sees the new job or is woken.
      std::lock_guard<std::mutex> lock(mutex_);
      job_.store(next_job(job_.load(std::memory_order_relaxed), chunks), std::memory_order_release);
    }
    wake_.notify_all();
    std::exception_ptr own_error;
    inside_parallel_body = true;
    try {
      claim_runs(next_, items, grain_, fn, context);
    } catch (...) {
      own_error = std::current_exception();
      next_ = items;  // the others stop claiming
    }
    inside_parallel_body = false;
    const auto finished = [this] { return pending_.load(std::memory_order_acquire) == 0; };
    if (!spin_until(finished)) {
      std::unique_lock<std::mutex> lock(mutex_);
      done_.wait(lock, finished);
    }
    // The calling thread's error wins; otherwise any worker's.
    if (own_error) std::rethrow_exception(own_error);
    if (error_) std::rethrow_exception(error_);
  }

  // Serialises jobs from different caller threads; a second concurrent caller runs inline.
  std::mutex& job_mutex() { return job_mutex_; }

 private:
  // A job is announced by one word: a generation count above the number of threads taking
  // part, so that a worker left out of a job never reads the job's other fields, which the
  // next job may already be writing.
  static constexpr std::uint64_t kChunkBits = 8;
  static std::uint64_t next_job(std::uint64_t job, std::size_t chunks) {
    return ((job >> kChunkBits) + 1) << kChunkBits | chunks;
  }
  static std::size_t job_chunks(std::uint64_t job) {
    return static_cast<std::size_t>(job & ((1u << kChunkBits) - 1));
  }

  void work(std::size_t index, std::uint64_t seen) {
    inside_parallel_body = true;
    for (;;) {
      const auto announced = [&] {
        return stopping_.load(std::memory_order_relaxed) ||
               job_.load(std::memory_order_acquire) != seen;
      };
      if (!spin_until(announced)) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, announced);
      }
      if (stopping_.load()) return;
      seen = job_.load(std::memory_order_acquire);
      if (index >= job_chunks(seen)) continue;
      std::exception_ptr error;
      try {
        claim_runs(next_, items_, grain_, fn_, context_);
      } catch (...) {
        error = std::current_exception();
        next_ = items_;
      }
      if (error) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = error;
      }
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        // The caller may be asleep: taking the mutex orders this against its last check.
        { std::lock_guard<std::mutex> lock(mutex_); }
        done_.notify_one();
      }
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mutex_, job_mutex_;
  std::condition_variable wake_, done_;
  parallel_detail::ChunkFn fn_ = nullptr;
  void* context_ = nullptr;
  std::size_t items_ = 0, grain_ = 1;
  std::atomic<std::size_t> next_{0}, pending_{0};
  std::atomic<std::uint64_t> job_{0};
  std::atomic<bool> stopping_{false};
  std::exception_ptr error_;
};

Pool& pool() {
  static Pool instance;
  return instance;
}

int requested_threads = 1;

}  // namespace

// Natively more threads than cores is allowed (the tests split 3 ways on 2 cores); choosing a
// count that fits the machine is the caller's business.
int max_threads() { return kMaxThreads; }

int thread_count() { return requested_threads; }

void set_thread_count(int n) {
  check(n >= 1 && n <= max_threads(), "setThreads: threads must be between 1 and ",
        max_threads(), ", got ", n);
  check(!inside_parallel_body, "setThreads: cannot be called from inside a parallel loop");
  std::lock_guard<std::mutex> job(pool().job_mutex());
  // Workers are started once for the largest count asked for and then kept: starting a
  // thread in the wasm build claims one of the fixed pool's workers.
  if (pool().workers() < n - 1) pool().resize(n - 1);
  requested_threads = n;
}

namespace parallel_detail {
void run(std::size_t items, std::size_t min_items, ChunkFn fn, void* context) {
  if (items == 0) return;
  const std::size_t chunks = chunk_count(items, min_items, requested_threads);
  if (chunks == 1 || inside_parallel_body) return fn(context, 0, items);
  std::unique_lock<std::mutex> job(pool().job_mutex(), std::try_to_lock);
  if (!job.owns_lock()) return fn(context, 0, items);
  pool().run(items, chunks, fn, context);
}
}  // namespace parallel_detail

#endif

}  // namespace simdnn
