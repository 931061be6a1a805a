#include "util/random.hpp"

#include <random>

namespace twinsock {
namespace {

class DeviceRandom final : public RandomSource {
 public:
  void fill(std::span<std::uint8_t> out) override {
    std::size_t i = 0;
    while (i < out.size()) {
      const std::uint32_t word = device_();
      for (int k = 0; k < 4 && i < out.size(); ++k) out[i++] = static_cast<std::uint8_t>(word >> (8 * k));
    }
  }

 private:
  std::random_device device_;
};

}  // namespace

RandomSource& system_random() {
  static DeviceRandom source;
  return source;
}

}  // namespace twinsock
