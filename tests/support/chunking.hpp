// "Split at every byte boundary" (eventsource-parser's unbalanced chunks,
// uWS makeChunked): a decoder must give the same result however its input
// is cut. `decode(chunks)` feeds the chunks in order to a fresh decoder and
// returns its JSON-encoded result.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "twinsock/bytes.hpp"

namespace twinsock::testing {

using Chunks = std::vector<bytes_view>;

/// Runs `decode` on the whole input, on every two-way split, and byte by byte.
/// Returns the whole-input result, or {"split_mismatch": {"at": N, "got": ...,
/// "whole": ...}} for the first split that disagrees (at = -1: byte by byte).
template <typename Decode>
nlohmann::json same_for_every_split(bytes_view input, Decode&& decode) {
  const nlohmann::json whole = decode(Chunks{input});
  auto mismatch = [&](long at, const nlohmann::json& got) {
    return nlohmann::json{{"split_mismatch", {{"at", at}, {"got", got}, {"whole", whole}}}};
  };
  for (std::size_t at = 1; at < input.size(); ++at) {
    nlohmann::json got = decode(Chunks{input.subspan(0, at), input.subspan(at)});
    if (got != whole) return mismatch(static_cast<long>(at), got);
  }
  if (input.size() > 2) {
    Chunks singles;
    for (std::size_t i = 0; i < input.size(); ++i) singles.push_back(input.subspan(i, 1));
    nlohmann::json got = decode(singles);
    if (got != whole) return mismatch(-1, got);
  }
  return whole;
}

}  // namespace twinsock::testing
