#include "tls_cache.hpp"

#include <map>
#include <string>
#include <tuple>

namespace twinsock::native {

std::shared_ptr<TlsContext> tls_context_for(const TlsOptions& options, std::error_code& ec, std::string& detail) {
  using Key = std::tuple<bool, std::string, std::string, std::string>;
  static std::map<Key, std::weak_ptr<TlsContext>> cache;
  const Key key{options.insecure, options.ca_file, options.cert_file, options.key_file};
  if (auto it = cache.find(key); it != cache.end()) {
    if (auto context = it->second.lock()) return context;
  }
  auto context = TlsContext::create(options, ec, detail);
  if (context) cache[key] = context;
  return context;
}

}  // namespace twinsock::native
