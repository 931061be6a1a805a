# Shared helpers for the scripts (sourced, not run).

# configure_once PRESET: run the CMake configure step only when the build tree
# has none yet (the build step re-runs it by itself when CMake files change).
configure_once() {
  local preset=$1
  if [[ ! -f "build/$preset/build.ninja" ]]; then
    cmake --preset "$preset" >"build/configure-$preset.log" 2>&1 || {
      cat "build/configure-$preset.log" >&2
      return 1
    }
  fi
}

mkdir -p build
