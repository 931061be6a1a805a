// OpenSSL client contexts: verification on by default against the system trust
// store, with hostname verification and SNI; an explicit `insecure` switch.
#pragma once

#include <memory>
#include <string>
#include <system_error>

#include "twinsock/tls_options.hpp"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace twinsock::native {

class TlsContext {
 public:
  /// Builds a context; errc::tls_config when a CA, certificate or key file cannot be
  /// used, and `detail` says which file and why.
  static std::shared_ptr<TlsContext> create(const TlsOptions& options, std::error_code& ec, std::string& detail);
  ~TlsContext();

  /// A new SSL object for `fd`, with SNI and hostname (or IP) verification for `host`.
  SSL* new_session(int fd, const std::string& host) const;
  bool insecure() const { return insecure_; }

 private:
  TlsContext() = default;
  SSL_CTX* ctx_ = nullptr;
  bool insecure_ = false;
};

/// Maps a failed handshake to a precise error (expired, self-signed, wrong host, ...)
/// and fills `detail` with OpenSSL's own words.
std::error_code tls_handshake_error(SSL* ssl, std::string& detail);

}  // namespace twinsock::native
