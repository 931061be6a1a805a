#include "codec/url/socketio.hpp"

#include "codec/url/percent.hpp"

namespace twinsock::url {

SocketIoTarget split_socketio(const Url& url) {
  SocketIoTarget out;
  out.engine = url;
  out.engine.path = "/";
  out.engine.query.clear();
  out.nsp = url.path.empty() ? "/" : url.path;
  out.query = url.query;
  return out;
}

QueryList engine_query(std::string_view transport, std::string_view sid, const QueryList& extra) {
  QueryList out;
  out.push_back({"EIO", "4"});
  out.push_back({"transport", std::string(transport)});
  if (!sid.empty()) out.push_back({"sid", std::string(sid)});
  for (const auto& p : extra)
    if (p.key != "EIO" && p.key != "transport" && p.key != "sid") out.push_back(p);
  return out;
}

std::string engine_target(std::string_view path, const QueryList& params, bool add_trailing_slash) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::string out;
  if (path.empty() || path.front() != '/') out += '/';
  // Escapes a caller wrote stay as they are; a stray '%' is encoded as "%25".
  if (encode_into(path, EncodeSet::path, true, out)) {
    out.resize(path.empty() || path.front() != '/' ? 1 : 0);
    encode_into(path, EncodeSet::path, false, out);
  }
  if (add_trailing_slash && out.back() != '/') out += '/';
  const std::string query = encode_query(params);
  if (!query.empty()) out += "?" + query;
  return out;
}

}  // namespace twinsock::url
