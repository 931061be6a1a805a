// Golden-vector runner for the shared utilities: base64, UTF-8, SHA-1.
// Vector: {"op": "base64_encode"|"base64_decode"|"utf8_valid"|"sha1", "input" | "input_hex"}
#include "support/chunking.hpp"
#include "support/hex.hpp"
#include "support/vector_registry.hpp"
#include "util/base64.hpp"
#include "util/sha1.hpp"
#include "util/utf8.hpp"

using twinsock::bytes;
using twinsock::testing::Chunks;

TWINSOCK_VECTOR_RUNNER(common) {
  const std::string op = v.value("op", "");
  bytes input;
  if (v.contains("input_hex")) {
    input = twinsock::testing::from_hex(v["input_hex"].get<std::string>()).value_or(bytes{});
  } else {
    const std::string text = v.value("input", "");
    input.assign(text.begin(), text.end());
  }
  if (op == "base64_encode") return twinsock::base64::encode(input);
  if (op == "base64_decode") {
    bytes out;
    if (!twinsock::base64::decode(twinsock::as_text(input), out)) return {{"error", "invalid"}};
    return twinsock::testing::to_hex(out);
  }
  if (op == "sha1") return twinsock::testing::to_hex(twinsock::sha1::digest(input));
  if (op == "utf8_valid") {
    return twinsock::testing::same_for_every_split(input, [](const Chunks& chunks) {
      twinsock::utf8::Validator validator;
      for (auto chunk : chunks)
        if (!validator.feed(chunk)) return nlohmann::json(false);
      return nlohmann::json(validator.complete());
    });
  }
  return {{"error", "unknown op " + op}};
}
