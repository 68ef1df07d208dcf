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

# Bindings are cold glue (-Oz, see SIMDNN_COLD_SOURCES in CMakeLists.txt), except the tensor
# conversions every predict and fit call goes through.
set(SIMDNN_COLD_BINDINGS ${SIMDNN_BINDING_SOURCES})
list(FILTER SIMDNN_COLD_BINDINGS EXCLUDE REGEX "/wasm/api_core\\.cpp$")
set_source_files_properties(${SIMDNN_COLD_BINDINGS} PROPERTIES COMPILE_OPTIONS -Oz)
set_source_files_properties(${CMAKE_SOURCE_DIR}/wasm/api_core.cpp PROPERTIES COMPILE_OPTIONS -Os)

# Link flags shared by the single-threaded and the threaded module.
set(SIMDNN_MODULE_LINK_FLAGS
  --bind
  ${SIMDNN_WASM_COMMON_FLAGS}
  -O3                          # -Os/-Oz measured ~40x slower
  -sMODULARIZE=1
  -sEXPORT_ES6=1               # the non-ES6 glue cannot load under Node 20 (fetch of file URLs)
  -sEXPORT_NAME=createSimdnnModule
  -sABORTING_MALLOC=0
  -sENVIRONMENT=web,worker,node
  -sEXPORTED_RUNTIME_METHODS=HEAPU8,HEAP32,HEAPF32
  # The ES6 glue still uses `require`/`__dirname` under Node; the shim defines them.
  "SHELL:--extern-pre-js ${SIMDNN_NODE_SHIM}")

if(SIMDNN_WASM_THREADS)
  # dist/simdnn-threads.{mjs,wasm,worker.js}: a fixed pool of pthread workers started with the
  # module (STRICT: asking for more threads aborts instead of hanging) and a fixed heap, since
  # growing a shared heap makes every JS view of it slow. 512 MB is ~10x what the demos hold
  # (MNIST's 10,000 digits as float32 are 31 MB) and small enough for two workers per page
  # (the sentiment demo); past it, malloc returns null and the engine reports "out of memory".
  set(SIMDNN_MODULE_NAME simdnn-threads)
  set(SIMDNN_MODULE_MEMORY_FLAGS
    -sPTHREAD_POOL_SIZE=${SIMDNN_WASM_POOL_SIZE}
    -sPTHREAD_POOL_SIZE_STRICT=2
    -sINITIAL_MEMORY=512MB
    "SHELL:--pre-js ${CMAKE_SOURCE_DIR}/wasm/threads.pre.js")
else()
  set(SIMDNN_MODULE_NAME simdnn)
  set(SIMDNN_MODULE_MEMORY_FLAGS
    -sALLOW_MEMORY_GROWTH=1    # views onto HEAP* must be re-created after any allocation
    # The growth ceiling, stated rather than left to the toolchain default; beyond it malloc
    # returns null (no abort) and the engine reports "out of memory" as a JS Error.
    -sMAXIMUM_MEMORY=2GB)
endif()

add_executable(simdnn_module ${SIMDNN_BINDING_SOURCES})
target_link_libraries(simdnn_module PRIVATE simdnn_engine)
target_compile_definitions(simdnn_module PRIVATE SIMDNN_VERSION="${SIMDNN_VERSION}")
set_target_properties(simdnn_module PROPERTIES
  OUTPUT_NAME ${SIMDNN_MODULE_NAME}
  SUFFIX ".mjs"
  RUNTIME_OUTPUT_DIRECTORY ${SIMDNN_DIST_DIR}
  LINK_DEPENDS "${SIMDNN_NODE_SHIM};${CMAKE_SOURCE_DIR}/wasm/threads.pre.js")
target_link_options(simdnn_module PRIVATE ${SIMDNN_MODULE_LINK_FLAGS} ${SIMDNN_MODULE_MEMORY_FLAGS})
if(SIMDNN_WASM_THREADS)
  # The pthread worker glue is CommonJS and the package is "type": "module": a package.json
  # in dist/ makes its .js files CommonJS (the .mjs modules stay ES modules).
  file(WRITE ${CMAKE_BINARY_DIR}/dist-package.json "{ \"type\": \"commonjs\" }\n")
  add_custom_command(TARGET simdnn_module POST_BUILD
    COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_BINARY_DIR}/dist-package.json
            ${SIMDNN_DIST_DIR}/package.json
    VERBATIM)
endif()
