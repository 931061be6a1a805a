// TLS settings for native clients (the browser manages TLS itself).
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
