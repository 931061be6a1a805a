#include "support/vector_registry.hpp"

#include <map>

namespace twinsock::vectors {
namespace {

std::map<std::string, Runner>& registry() {
  static std::map<std::string, Runner> runners;
  return runners;
}

}  // namespace

bool register_runner(const std::string& area, Runner runner) {
  registry().insert_or_assign(area, std::move(runner));
  return true;
}

nlohmann::json run(const std::string& area, const nlohmann::json& vector) {
  auto it = registry().find(area);
  if (it == registry().end()) return {{"error", "no runner for " + area}};
  return it->second(vector);
}

std::vector<std::string> areas() {
  std::vector<std::string> names;
  for (const auto& [name, runner] : registry()) names.push_back(name);
  return names;
}

}  // namespace twinsock::vectors
