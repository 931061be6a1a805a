# Copies the npm package together: the facade and types from bindings/, the
# embind module from the build. Run after every link of twinsock_core.
file(REMOVE_RECURSE "${NPM_DIR}")
file(MAKE_DIRECTORY "${NPM_DIR}/dist")
file(GLOB js_files "${SOURCE_DIR}/js/*.js")
file(GLOB type_files "${SOURCE_DIR}/types/*.d.ts")
file(COPY ${js_files} ${type_files} DESTINATION "${NPM_DIR}/dist")
file(COPY "${CORE_DIR}/twinsock_core.mjs" "${CORE_DIR}/twinsock_core.wasm" DESTINATION "${NPM_DIR}/dist")
configure_file("${SOURCE_DIR}/package.json.in" "${NPM_DIR}/package.json" @ONLY)
file(COPY "${SOURCE_DIR}/README.md" DESTINATION "${NPM_DIR}")
