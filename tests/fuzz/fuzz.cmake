# libFuzzer targets (clang only): one per untrusted-input parser. scripts/test.sh runs each for a
# bounded time over its committed seed corpus (tests/fuzz/corpus/<name>).
foreach(target model_loader idx_reader)
  add_executable(fuzz_${target} ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_${target}.cpp)
  target_link_libraries(fuzz_${target} PRIVATE simdnn_engine)
  target_link_options(fuzz_${target} PRIVATE -fsanitize=fuzzer)
endforeach()
