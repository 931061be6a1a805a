# Warnings are errors in everything we compile ourselves; the portable core
# must also build with -fno-exceptions on both targets.
function(twinsock_strict target)
  # -Wmissing-field-initializers would flag every designated initializer that
  # leaves an option at its default, which is how options are meant to be used.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-missing-field-initializers)
endfunction()

function(twinsock_no_exceptions target)
  target_compile_options(${target} PRIVATE -fno-exceptions)
endfunction()
