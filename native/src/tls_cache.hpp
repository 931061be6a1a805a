// One TlsContext per distinct TlsOptions, shared by every connection that uses
// the same settings: loading the system trust store once, not per connection.
#pragma once

#include <memory>
#include <string>
#include <system_error>

#include "tls_context.hpp"

namespace twinsock::native {

/// Loop affinity: loop thread (the cache is not locked).
/// The context for `options`; on failure errc::tls_config in `ec`, and `detail` says why.
std::shared_ptr<TlsContext> tls_context_for(const TlsOptions& options, std::error_code& ec, std::string& detail);

}  // namespace twinsock::native
