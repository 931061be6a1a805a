// Throwaway certificates for the TLS tests, made with OpenSSL at test time:
// a CA, and leaf certificates it signs (valid, expired, for another host) plus
// a self-signed one. Written as PEM files into a fresh temporary folder.
#pragma once

#include <string>

namespace twinsock::testing {

struct CertFiles {
  std::string cert;
  std::string key;
};

class TestCerts {
 public:
  TestCerts();   // creates everything; ok() says whether it worked
  ~TestCerts();  // removes the folder
  bool ok() const { return ok_; }

  std::string ca_file() const { return dir_ + "/ca.pem"; }
  CertFiles valid() const { return {dir_ + "/valid.pem", dir_ + "/valid.key"}; }      // 127.0.0.1 and localhost
  CertFiles expired() const { return {dir_ + "/expired.pem", dir_ + "/expired.key"}; }
  CertFiles wrong_host() const { return {dir_ + "/other.pem", dir_ + "/other.key"}; }  // other.example only
  CertFiles self_signed() const { return {dir_ + "/self.pem", dir_ + "/self.key"}; }
  CertFiles client() const { return {dir_ + "/client.pem", dir_ + "/client.key"}; }  // clientAuth, CA-signed

 private:
  std::string dir_;
  bool ok_ = false;
};

}  // namespace twinsock::testing
