// Runs every golden vector of this binary's area (TWINSOCK_TEST_AREA) through
// its registered runner and compares the result with the vector's "expect".
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/vector_registry.hpp"

namespace {

nlohmann::json load_vectors(const std::string& area) {
  std::ifstream in(std::string(TWINSOCK_VECTOR_DIR) + "/" + area + ".json");
  if (!in) return nullptr;
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str(), nullptr, false);
}

TEST(GoldenVectors, MatchExpectedOutput) {
  const std::string area = TWINSOCK_TEST_AREA;
  const nlohmann::json file = load_vectors(area);
  ASSERT_FALSE(file.is_null()) << "no vectors/" << area << ".json beside its runner";
  ASSERT_FALSE(file.is_discarded()) << "vectors/" << area << ".json is not valid JSON";
  ASSERT_TRUE(file.contains("vectors") && file["vectors"].is_array());
  ASSERT_FALSE(file["vectors"].empty());
  for (const auto& vector : file["vectors"]) {
    const nlohmann::json actual = twinsock::vectors::run(area, vector);
    EXPECT_EQ(actual, vector["expect"]) << area << " vector \"" << vector.value("name", "?") << "\"\n  got:    "
                                        << actual.dump() << "\n  expect: " << vector["expect"].dump();
  }
}

}  // namespace
