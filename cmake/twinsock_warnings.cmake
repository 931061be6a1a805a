# Warnings are errors in everything we compile ourselves; the portable core
# must also build with -fno-exceptions on both targets.
function(twinsock_strict target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()

function(twinsock_no_exceptions target)
  target_compile_options(${target} PRIVATE -fno-exceptions)
endfunction()
