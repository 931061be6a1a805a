// TLS settings. Native clients apply them; the browser manages TLS itself and
// reports errc::not_supported when any is set.
#pragma once

#include <string>

namespace twinsock {

struct TlsOptions {
  /// Skip certificate and hostname verification. Never the default; for tests only.
  bool insecure = false;
  /// PEM file of trusted CA certificates, used instead of the system trust store.
  std::string ca_file;
  /// PEM client certificate (chain) and private key, for mutual TLS.
  std::string cert_file;
  std::string key_file;
};

}  // namespace twinsock
