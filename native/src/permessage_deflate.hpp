// permessage-deflate (RFC 7692) with zlib: compresses outgoing messages and
// inflates incoming ones with a hard cap on the inflated size, so a deflate
// bomb ends with 1009 instead of exhausting memory.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <system_error>

#include "codec/http/upgrade.hpp"
#include "twinsock/bytes.hpp"

namespace twinsock::native {

class PerMessageDeflate {
 public:
  /// `params` as negotiated; `max_inflated` bounds each inflated message.
  PerMessageDeflate(const http::DeflateParams& params, std::size_t max_inflated);
  ~PerMessageDeflate();
  PerMessageDeflate(const PerMessageDeflate&) = delete;
  PerMessageDeflate& operator=(const PerMessageDeflate&) = delete;

  /// Compresses one message payload (RFC 7692 §7.2.1: the trailing 00 00 ff ff is removed).
  void compress(bytes_view payload, bytes& out);
  /// Inflates one message (§7.2.2). Errors: ws_inflate_failed, ws_inflate_too_big.
  std::error_code decompress(bytes_view payload, std::string& out);

 private:
  void restart_inflate();
  struct Streams;
  std::unique_ptr<Streams> z_;
  http::DeflateParams params_;
  std::size_t max_inflated_;
};

}  // namespace twinsock::native
