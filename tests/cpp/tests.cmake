# Catch2 suite: the same sources build natively and to wasm (run under node via ctest).
file(GLOB SIMDNN_TEST_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/cpp/*.cpp)
list(REMOVE_ITEM SIMDNN_TEST_SOURCES ${CMAKE_SOURCE_DIR}/tests/cpp/catch_main.cpp)

# Catch2's main is slow to compile: its own object library so it is built once.
add_library(simdnn_catch_main OBJECT ${CMAKE_SOURCE_DIR}/tests/cpp/catch_main.cpp)
target_include_directories(simdnn_catch_main SYSTEM PRIVATE ${SIMDNN_DEPS_INCLUDE})
target_compile_definitions(simdnn_catch_main PRIVATE CATCH_CONFIG_COLOUR_NONE)

add_executable(simdnn_tests ${SIMDNN_TEST_SOURCES})
target_link_libraries(simdnn_tests PRIVATE simdnn_engine simdnn_catch_main)
target_compile_definitions(simdnn_tests PRIVATE CATCH_CONFIG_COLOUR_NONE
                           SIMDNN_TEST_DATA="${CMAKE_SOURCE_DIR}/tests/data")
# The engine under test is built at -O3; the test code itself (Catch2 macros, gradient checks)
# needs no optimisation, and -O1 roughly halves its compile time on 2 cores.
target_compile_options(simdnn_tests PRIVATE -O1)
if(EMSCRIPTEN)
  target_compile_options(simdnn_catch_main PRIVATE ${SIMDNN_WASM_COMMON_FLAGS})
  # .cjs: the package is "type": "module", and this glue is CommonJS.
  set_target_properties(simdnn_tests PROPERTIES SUFFIX ".cjs")
  # -O1 at link only: the objects are already compiled at -O3, and binaryen's link-time -O3 pass
  # over this large test binary cost ~19 s per incremental build (~1.5 s at -O1). The shipped
  # module (wasm/module.cmake) keeps -O3.
  target_link_options(simdnn_tests PRIVATE -O1 ${SIMDNN_WASM_COMMON_FLAGS} -sEXIT_RUNTIME=1
                      -sWASM_ASYNC_COMPILATION=0 -sENVIRONMENT=node -sALLOW_MEMORY_GROWTH=1
                      -sNODERAWFS=1)
endif()
add_test(NAME catch2 COMMAND simdnn_tests)
