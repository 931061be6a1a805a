#include "tls_context.hpp"

#include <cstring>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "twinsock/error.hpp"

namespace twinsock::native {
namespace {

bool is_ip_address(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// What OpenSSL said first about the failure, its root cause ("No such file or
// directory", "no start line" for a file that is not PEM, ...); its error queue is
// left empty.
std::string openssl_reason() {
  std::string reason;
  while (const unsigned long code = ERR_get_error()) {
    if (!reason.empty()) continue;  // the rest only restates it
    if (ERR_GET_LIB(code) == ERR_LIB_SYS) {
      reason = std::strerror(ERR_GET_REASON(code));  // errno, which OpenSSL has no text for
    } else if (const char* text = ERR_reason_error_string(code)) {
      reason = text;
    }
  }
  return reason.empty() ? "unknown error" : reason;
}

}  // namespace

std::shared_ptr<TlsContext> TlsContext::create(const TlsOptions& options, std::error_code& ec, std::string& detail) {
  const auto fail = [&](std::string what) -> std::shared_ptr<TlsContext> {
    ec = errc::tls_config;
    detail = std::move(what) + ": " + openssl_reason();
    return nullptr;
  };
  std::shared_ptr<TlsContext> context(new TlsContext());
  context->insecure_ = options.insecure;
  context->ctx_ = SSL_CTX_new(TLS_client_method());
  if (!context->ctx_) return fail("cannot create a TLS context");
  SSL_CTX_set_min_proto_version(context->ctx_, TLS1_2_VERSION);
  SSL_CTX_set_mode(context->ctx_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (options.insecure) {
    SSL_CTX_set_verify(context->ctx_, SSL_VERIFY_NONE, nullptr);
  } else {
    SSL_CTX_set_verify(context->ctx_, SSL_VERIFY_PEER, nullptr);
    if (options.ca_file.empty()) {
      if (SSL_CTX_set_default_verify_paths(context->ctx_) != 1) return fail("cannot load the system's trusted certificates");
    } else if (SSL_CTX_load_verify_locations(context->ctx_, options.ca_file.c_str(), nullptr) != 1) {
      return fail("cannot load the CA file " + options.ca_file);
    }
  }
  if (!options.cert_file.empty()) {
    const std::string& key = options.key_file.empty() ? options.cert_file : options.key_file;
    if (SSL_CTX_use_certificate_chain_file(context->ctx_, options.cert_file.c_str()) != 1)
      return fail("cannot load the certificate file " + options.cert_file);
    if (SSL_CTX_use_PrivateKey_file(context->ctx_, key.c_str(), SSL_FILETYPE_PEM) != 1)
      return fail("cannot load the key file " + key);
    if (SSL_CTX_check_private_key(context->ctx_) != 1)
      return fail("the key " + key + " does not belong to the certificate " + options.cert_file);
  }
  ERR_clear_error();
  return context;
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

SSL* TlsContext::new_session(int fd, const std::string& host) const {
  SSL* ssl = SSL_new(ctx_);
  if (!ssl) return nullptr;
  SSL_set_fd(ssl, fd);
  const bool ip = is_ip_address(host);
  if (!ip) SSL_set_tlsext_host_name(ssl, host.c_str());  // SNI is for names only (RFC 6066 §3)
  if (!insecure_) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (ip) X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    else X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  }
  SSL_set_connect_state(ssl);
  return ssl;
}

std::error_code tls_handshake_error(SSL* ssl, std::string& detail) {
  const long result = SSL_get_verify_result(ssl);
  if (result != X509_V_OK) {
    detail = X509_verify_cert_error_string(result);
    switch (result) {
      case X509_V_ERR_CERT_HAS_EXPIRED: return errc::tls_cert_expired;
      case X509_V_ERR_CERT_NOT_YET_VALID: return errc::tls_cert_not_yet_valid;
      case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return errc::tls_cert_self_signed;
      case X509_V_ERR_HOSTNAME_MISMATCH:
      case X509_V_ERR_IP_ADDRESS_MISMATCH: return errc::tls_cert_wrong_host;
      default: return errc::tls_cert_untrusted;
    }
  }
  const unsigned long err = ERR_get_error();
  char text[256] = "TLS handshake failed";
  if (err) ERR_error_string_n(err, text, sizeof text);
  detail = text;
  // What a TLS client hears from a server that answers in plain text (HTTP) instead.
  if (err && ERR_GET_REASON(err) == SSL_R_WRONG_VERSION_NUMBER)
    detail += " (the server does not speak TLS on this port: a plain http:// or ws:// server?)";
  ERR_clear_error();
  return errc::tls_failed;
}

}  // namespace twinsock::native
