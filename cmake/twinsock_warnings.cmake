# Warnings are errors in everything we compile ourselves (TWINSOCK_WERROR; a project
# that adds twinsock with add_subdirectory gets them as warnings); the portable core
# must also build with -fno-exceptions on both targets.
function(twinsock_strict target)
  # -Wmissing-field-initializers would flag every designated initializer that
  # leaves an option at its default, which is how options are meant to be used.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-missing-field-initializers)
  if(NOT TWINSOCK_WERROR)
    return()
  endif()
  target_compile_options(${target} PRIVATE -Werror)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12's optimiser reports libstdc++'s own string and vector code as overlapping or
    # overflowing copies (false positives, e.g. GCC bug 105329): warnings, not errors,
    # in optimised builds.
    target_compile_options(${target} PRIVATE
      "$<$<NOT:$<CONFIG:Debug>>:-Wno-error=restrict;-Wno-error=stringop-overflow;-Wno-error=stringop-overread;-Wno-error=array-bounds;-Wno-error=maybe-uninitialized>")
  endif()
endfunction()

function(twinsock_no_exceptions target)
  target_compile_options(${target} PRIVATE -fno-exceptions)
endfunction()
