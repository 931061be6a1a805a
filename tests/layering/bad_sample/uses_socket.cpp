// A deliberate violation for the checker's own test.
#include <sys/socket.h>
