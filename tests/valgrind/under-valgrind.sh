#!/bin/sh
# Runs the sanitizer-free `twinsock` ($TWINSOCK_PLAIN_BIN) under valgrind's memcheck:
# an invalid access, a use of uninitialised memory or a definite/indirect leak at
# exit makes the exit code 99 (the tool's own codes are 0, 1 and 2).
exec valgrind --quiet --error-exitcode=99 --leak-check=full \
  --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
  --num-callers=30 "$TWINSOCK_PLAIN_BIN" "$@"
