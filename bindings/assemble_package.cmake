# Copies the npm package together: the facade and types from bindings/, the
# wasm module from the build. Run after every link of twinsock_core.
# With TERSER set (the devDependency), the JavaScript is minified: the package's
# size is what browsers download (class names kept: they show in errors and logs;
# the bundlers' magic comments kept: see js/node_import.js).
file(REMOVE_RECURSE "${NPM_DIR}")
file(MAKE_DIRECTORY "${NPM_DIR}/dist")
file(GLOB js_files "${SOURCE_DIR}/js/*.js")
file(GLOB type_files "${SOURCE_DIR}/types/*.d.ts")
file(COPY ${js_files} ${type_files} DESTINATION "${NPM_DIR}/dist")
file(COPY "${CORE_DIR}/twinsock_core.mjs" "${CORE_DIR}/twinsock_core.wasm" DESTINATION "${NPM_DIR}/dist")
configure_file("${SOURCE_DIR}/package.json.in" "${NPM_DIR}/package.json" @ONLY)
file(COPY "${SOURCE_DIR}/README.md" DESTINATION "${NPM_DIR}")

if(TERSER)
  file(GLOB shipped_js "${NPM_DIR}/dist/*.js" "${NPM_DIR}/dist/*.mjs")
  foreach(file IN LISTS shipped_js)
    execute_process(COMMAND "${TERSER}" "${file}" --module --compress --mangle --keep-classnames
                            --comments "/webpackIgnore|@vite-ignore/" -o "${file}"
                    RESULT_VARIABLE failed ERROR_VARIABLE why)
    if(failed)
      message(FATAL_ERROR "terser could not minify ${file}: ${why}")
    endif()
  endforeach()
endif()
