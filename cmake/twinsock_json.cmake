# nlohmann::json, the value type of the Socket.IO codecs.
# Under Emscripten, Debian's nlohmann CMake package would add -isystem /usr/include
# and let glibc headers shadow Emscripten's, so expose a folder holding only a
# `nlohmann` link instead (see TOOLCHAIN.md §6).
if(EMSCRIPTEN)
  set(TWINSOCK_JSON_SHIM "${CMAKE_BINARY_DIR}/nlohmann-include")
  file(MAKE_DIRECTORY "${TWINSOCK_JSON_SHIM}")
  if(NOT EXISTS "${TWINSOCK_JSON_SHIM}/nlohmann")
    file(CREATE_LINK /usr/include/nlohmann "${TWINSOCK_JSON_SHIM}/nlohmann" SYMBOLIC)
  endif()
  add_library(nlohmann_json INTERFACE)
  target_include_directories(nlohmann_json SYSTEM INTERFACE "${TWINSOCK_JSON_SHIM}")
  add_library(nlohmann_json::nlohmann_json ALIAS nlohmann_json)
else()
  find_package(nlohmann_json 3 REQUIRED CONFIG)
endif()
