#include "codec/http/ws_extensions.hpp"

#include "codec/http/syntax.hpp"

namespace twinsock::http {

bool parse_extension_list(std::string_view in, std::vector<Extension>& out) {
  std::string_view token;
  while (true) {
    skip_ows(in);
    if (in.empty()) return true;
    if (in.front() == ',') {  // empty element
      in.remove_prefix(1);
      continue;
    }
    if (!consume_token(in, token)) return false;
    Extension ext;
    ext.name.assign(token);
    skip_ows(in);
    while (!in.empty() && in.front() == ';') {
      in.remove_prefix(1);
      skip_ows(in);
      if (!consume_token(in, token)) return false;
      ExtensionParam param;
      param.name.assign(token);
      skip_ows(in);
      if (!in.empty() && in.front() == '=') {
        in.remove_prefix(1);
        skip_ows(in);
        param.has_value = true;
        if (!in.empty() && in.front() == '"') {
          if (!consume_quoted_string(in, param.value)) return false;
        } else if (consume_token(in, token)) {
          param.value.assign(token);
        } else {
          return false;
        }
        skip_ows(in);
      }
      ext.params.push_back(std::move(param));
    }
    out.push_back(std::move(ext));
    if (in.empty()) return true;
    if (in.front() != ',') return false;
    in.remove_prefix(1);
  }
}

bool parse_extension_headers(const Headers& headers, std::vector<Extension>& out) {
  for (const auto& h : headers)
    if (iequals(h.name, "sec-websocket-extensions") && !parse_extension_list(h.value, out)) return false;
  return true;
}

}  // namespace twinsock::http
