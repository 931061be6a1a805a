# The Emscripten build's settings (TOOLCHAIN.md).
if(NOT EMSCRIPTEN)
  return()
endif()

set(TWINSOCK_WASM_OPT "-Oz" CACHE STRING "Optimisation flag of the MinSizeRel WASM build (compile and LTO link)")
set(CMAKE_CXX_FLAGS_MINSIZEREL "${TWINSOCK_WASM_OPT} -DNDEBUG")

# Debian's em++ finds acorn (its JavaScript optimiser, run by every optimised link)
# only with NODE_PATH: every link runs through `cmake -E env`. A project that adds
# twinsock with add_subdirectory gets the same for its own programs, unless it
# chose a linker launcher of its own.
if(NOT CMAKE_CXX_LINKER_LAUNCHER)
  set(CMAKE_CXX_LINKER_LAUNCHER ${CMAKE_COMMAND} -E env NODE_PATH=/usr/share/nodejs)
  if(NOT PROJECT_IS_TOP_LEVEL)
    set(CMAKE_CXX_LINKER_LAUNCHER "${CMAKE_CXX_LINKER_LAUNCHER}" PARENT_SCOPE)
  endif()
endif()
