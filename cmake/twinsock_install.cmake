# `cmake --install`: the libraries, the public headers, the `twinsock` tool (when
# built) and a CMake package, so that another project can say find_package(twinsock)
# and link twinsock::twinsock. Native builds only: the browser build's glue and
# its nlohmann shim live in the build tree, so a WASM project adds twinsock with
# add_subdirectory or FetchContent instead (the same target names either way).
if(EMSCRIPTEN)
  message(STATUS "twinsock: no install rules in the WASM build (add it with add_subdirectory or FetchContent)")
  return()
endif()
include(CMakePackageConfigHelpers)

set(twinsock_codec_libraries)
foreach(area url http ws sse json eio sio)
  list(APPEND twinsock_codec_libraries twinsock_codec_${area})
endforeach()
set(twinsock_libraries twinsock_common ${twinsock_codec_libraries} twinsock_codecs twinsock_client twinsock_native
    twinsock_sdk)
# Exported as twinsock::common, twinsock::codec_url, ..., twinsock::native and twinsock::twinsock.
foreach(library IN LISTS twinsock_libraries)
  string(REGEX REPLACE "^twinsock_" "" export_name "${library}")
  set_target_properties(${library} PROPERTIES EXPORT_NAME ${export_name})
endforeach()
set_target_properties(twinsock_sdk PROPERTIES EXPORT_NAME twinsock)

set(package_dir "${CMAKE_INSTALL_LIBDIR}/cmake/twinsock")
install(TARGETS ${twinsock_libraries} EXPORT twinsockTargets
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/sdk/include/" "${PROJECT_SOURCE_DIR}/native/include/"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
if(TARGET twinsock)
  install(TARGETS twinsock RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
endif()
install(EXPORT twinsockTargets NAMESPACE twinsock:: DESTINATION "${package_dir}")
configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/twinsockConfig.cmake.in"
                              "${PROJECT_BINARY_DIR}/twinsockConfig.cmake" INSTALL_DESTINATION "${package_dir}")
# 0.x: a new minor version may change the API.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/twinsockConfigVersion.cmake"
                                 VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/twinsockConfig.cmake" "${PROJECT_BINARY_DIR}/twinsockConfigVersion.cmake"
        DESTINATION "${package_dir}")
