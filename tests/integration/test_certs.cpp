#include "test_certs.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace twinsock::testing {
namespace {

EVP_PKEY* new_key() { return EVP_EC_gen("P-256"); }

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  if (X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value)) {
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
}

// Validity in seconds relative to now; issuer null = self-signed.
X509* make_cert(EVP_PKEY* key, const char* cn, const char* san, long not_before, long not_after, X509* issuer,
                EVP_PKEY* issuer_key, bool ca, long serial, const char* usage = "serverAuth") {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert), not_before);
  X509_gmtime_adj(X509_getm_notAfter(cert), not_after);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : name);
  X509* signer = issuer ? issuer : cert;
  if (ca) {
    add_ext(cert, signer, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(cert, signer, NID_basic_constraints, "CA:FALSE");
    add_ext(cert, signer, NID_ext_key_usage, usage);
  }
  if (san) add_ext(cert, signer, NID_subject_alt_name, san);
  X509_sign(cert, issuer_key ? issuer_key : key, EVP_sha256());
  return cert;
}

bool write_pem(const std::string& path, X509* cert, EVP_PKEY* key) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return false;
  bool ok = cert ? PEM_write_X509(f, cert) == 1 : PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  std::fclose(f);
  return ok;
}

}  // namespace

TestCerts::TestCerts() {
  char tmpl[] = "/tmp/twinsock-certs-XXXXXX";
  if (!mkdtemp(tmpl)) return;
  dir_ = tmpl;
  const long day = 86400;
  EVP_PKEY* ca_key = new_key();
  X509* ca = make_cert(ca_key, "twinsock test CA", nullptr, -day, 30 * day, nullptr, nullptr, true, 1);
  ok_ = write_pem(ca_file(), ca, nullptr);
  struct Leaf {
    const char* file;
    const char* san;
    long from, to;
    bool self;
    const char* usage = "serverAuth";
  } leaves[] = {
      {"valid", "DNS:localhost,IP:127.0.0.1,IP:::1", -day, 30 * day, false},
      {"expired", "DNS:localhost,IP:127.0.0.1", -30 * day, -day, false},
      {"other", "DNS:other.example", -day, 30 * day, false},
      {"self", "DNS:localhost,IP:127.0.0.1", -day, 30 * day, true},
      {"client", nullptr, -day, 30 * day, false, "clientAuth"},
  };
  long serial = 2;
  for (const Leaf& leaf : leaves) {
    EVP_PKEY* key = new_key();
    X509* cert = leaf.self ? make_cert(key, "self-signed", leaf.san, leaf.from, leaf.to, nullptr, nullptr, false, serial++)
                           : make_cert(key, leaf.file, leaf.san, leaf.from, leaf.to, ca, ca_key, false, serial++, leaf.usage);
    ok_ = ok_ && write_pem(dir_ + "/" + leaf.file + ".pem", cert, nullptr) &&
          write_pem(dir_ + "/" + leaf.file + ".key", nullptr, key);
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  X509_free(ca);
  EVP_PKEY_free(ca_key);
}

TestCerts::~TestCerts() {
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

}  // namespace twinsock::testing
