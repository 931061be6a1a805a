#include "bindings.hpp"

namespace twinsock::bindings {

web::BrowserLoop& shared_loop() {
  static web::BrowserLoop loop;  // lives as long as the module
  return loop;
}

}  // namespace twinsock::bindings
