# The browser/Node ES module: dist/simdnn.mjs + dist/simdnn.wasm.
# Included from CMakeLists.txt only when building with Emscripten (emcmake).
# Every wasm/*.cpp is a binding file, so new bindings need no edit here.
file(GLOB SIMDNN_BINDING_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/wasm/*.cpp)

# package.json is the one place the version is written; version() reports it.
set(SIMDNN_PACKAGE_JSON_PATH ${CMAKE_SOURCE_DIR}/package.json)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${SIMDNN_PACKAGE_JSON_PATH})
file(READ ${SIMDNN_PACKAGE_JSON_PATH} SIMDNN_PACKAGE_JSON)
string(JSON SIMDNN_VERSION GET "${SIMDNN_PACKAGE_JSON}" version)

set(SIMDNN_NODE_SHIM ${CMAKE_SOURCE_DIR}/wasm/node-shim.pre.js)
set(SIMDNN_DIST_DIR ${CMAKE_SOURCE_DIR}/dist)

add_executable(simdnn_module ${SIMDNN_BINDING_SOURCES})
# Bindings are cold glue (-Oz, see SIMDNN_COLD_SOURCES in CMakeLists.txt), except the tensor
# conversions every predict and fit call goes through.
set(SIMDNN_COLD_BINDINGS ${SIMDNN_BINDING_SOURCES})
list(FILTER SIMDNN_COLD_BINDINGS EXCLUDE REGEX "/wasm/api_core\\.cpp$")
set_source_files_properties(${SIMDNN_COLD_BINDINGS} PROPERTIES COMPILE_OPTIONS -Oz)
set_source_files_properties(${CMAKE_SOURCE_DIR}/wasm/api_core.cpp PROPERTIES COMPILE_OPTIONS -Os)
target_link_libraries(simdnn_module PRIVATE simdnn_engine)
target_compile_definitions(simdnn_module PRIVATE SIMDNN_VERSION="${SIMDNN_VERSION}")
set_target_properties(simdnn_module PROPERTIES
  OUTPUT_NAME simdnn
  SUFFIX ".mjs"
  RUNTIME_OUTPUT_DIRECTORY ${SIMDNN_DIST_DIR}
  LINK_DEPENDS ${SIMDNN_NODE_SHIM})
target_link_options(simdnn_module PRIVATE
  --bind
  ${SIMDNN_WASM_EH}
  -O3                          # -Os/-Oz measured ~40x slower
  -sMODULARIZE=1
  -sEXPORT_ES6=1               # the non-ES6 glue cannot load under Node 20 (fetch of file URLs)
  -sEXPORT_NAME=createSimdnnModule
  -sALLOW_MEMORY_GROWTH=1      # views onto HEAP* must be re-created after any allocation
  # The growth ceiling, stated rather than left to the toolchain default; beyond it malloc
  # returns null (no abort) and the engine reports "out of memory" as a JS Error.
  -sMAXIMUM_MEMORY=2GB
  -sABORTING_MALLOC=0
  -sENVIRONMENT=web,worker,node
  -sEXPORTED_RUNTIME_METHODS=HEAPU8,HEAP32,HEAPF32
  # The ES6 glue still uses `require`/`__dirname` under Node; the shim defines them.
  "SHELL:--extern-pre-js ${SIMDNN_NODE_SHIM}")
