#include "permessage_deflate.hpp"

#include <zlib.h>

#include <vector>

#include "twinsock/error.hpp"

namespace twinsock::native {

struct PerMessageDeflate::Streams {
  z_stream deflate{};
  z_stream inflate{};
  bool deflate_ready = false;
  bool inflate_ready = false;
};

PerMessageDeflate::PerMessageDeflate(const http::DeflateParams& params, std::size_t max_inflated)
    : z_(std::make_unique<Streams>()), params_(params), max_inflated_(max_inflated) {
  // zlib cannot produce an 8-bit window for raw deflate; 9 is compatible (RFC 7692 §7.1.2.1 note).
  const int client_bits = params_.client_max_window_bits < 9 ? 9 : params_.client_max_window_bits;
  z_->deflate_ready = deflateInit2(&z_->deflate, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -client_bits, 8,
                                   Z_DEFAULT_STRATEGY) == Z_OK;
  z_->inflate_ready = inflateInit2(&z_->inflate, -15) == Z_OK;  // any server window up to 15 bits
}

PerMessageDeflate::~PerMessageDeflate() {
  if (z_->deflate_ready) deflateEnd(&z_->deflate);
  if (z_->inflate_ready) inflateEnd(&z_->inflate);
}

void PerMessageDeflate::compress(bytes_view payload, bytes& out) {
  z_stream& z = z_->deflate;
  z.next_in = const_cast<Bytef*>(payload.data());
  z.avail_in = static_cast<uInt>(payload.size());
  const std::size_t start = out.size();
  do {
    const std::size_t before = out.size();
    out.resize(before + 4096 + payload.size() / 2);
    z.next_out = out.data() + before;
    z.avail_out = static_cast<uInt>(out.size() - before);
    deflate(&z, Z_SYNC_FLUSH);
    out.resize(out.size() - z.avail_out);
  } while (z.avail_out == 0 || z.avail_in > 0);
  // Remove the 00 00 ff ff that ends every sync flush (RFC 7692 §7.2.1 step 2).
  if (out.size() - start >= 4) out.resize(out.size() - 4);
  if (params_.client_no_context_takeover) deflateReset(&z);
}

std::error_code PerMessageDeflate::decompress(bytes_view payload, std::string& out) {
  static const Bytef kTail[4] = {0x00, 0x00, 0xff, 0xff};
  z_stream& z = z_->inflate;
  out.clear();
  char buffer[16 * 1024];
  for (int part = 0; part < 2; ++part) {
    z.next_in = part == 0 ? const_cast<Bytef*>(payload.data()) : const_cast<Bytef*>(kTail);
    z.avail_in = static_cast<uInt>(part == 0 ? payload.size() : sizeof kTail);
    bool more = true;
    while (more) {
      z.next_out = reinterpret_cast<Bytef*>(buffer);
      z.avail_out = sizeof buffer;
      const int rc = inflate(&z, Z_SYNC_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
        inflateReset(&z);
        return errc::ws_inflate_failed;
      }
      const std::size_t produced = sizeof buffer - z.avail_out;
      if (out.size() + produced > max_inflated_) {  // a deflate bomb: stop before it grows
        inflateReset(&z);
        return errc::ws_inflate_too_big;
      }
      out.append(buffer, produced);
      if (rc == Z_STREAM_END) {  // a final block ends the message; what follows it is not deflate data
        restart_inflate();
        return {};
      }
      if (rc == Z_BUF_ERROR && produced == 0) break;  // no progress possible
      more = z.avail_in > 0 || z.avail_out == 0;     // input left, or output may be pending
    }
  }
  if (params_.server_no_context_takeover) inflateReset(&z);
  return {};
}

// After a final block (RFC 7692 §7.2.3.4) the next message is a new deflate stream, which
// may still refer back into this one's window unless the server gave up context takeover
// (§7.2.2): zlib forgets the window on reset, so it is handed back as a dictionary.
void PerMessageDeflate::restart_inflate() {
  z_stream& z = z_->inflate;
  if (params_.server_no_context_takeover) {
    inflateReset(&z);
    return;
  }
  std::vector<Bytef> window(32 * 1024);
  uInt size = static_cast<uInt>(window.size());
  if (inflateGetDictionary(&z, window.data(), &size) != Z_OK) size = 0;
  inflateReset(&z);
  if (size > 0) inflateSetDictionary(&z, window.data(), size);
}

}  // namespace twinsock::native
