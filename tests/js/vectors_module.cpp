// Embind entry points that let node:test run the golden vectors in WASM.
#include <emscripten/bind.h>

#include "support/vector_registry.hpp"

namespace {

std::string run_vector(const std::string& area, const std::string& vector_json) {
  const nlohmann::json vector = nlohmann::json::parse(vector_json, nullptr, false);
  if (vector.is_discarded()) return R"({"error":"vector is not valid JSON"})";
  return twinsock::vectors::run(area, vector).dump();
}

std::string areas() { return nlohmann::json(twinsock::vectors::areas()).dump(); }

}  // namespace

EMSCRIPTEN_BINDINGS(twinsock_vectors) {
  emscripten::function("runVector", &run_vector);
  emscripten::function("areas", &areas);
}
