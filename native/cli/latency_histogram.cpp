#include "latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace twinsock::cli {

std::size_t LatencyHistogram::index_of(std::uint64_t value) {
  constexpr std::uint64_t linear = 1u << kLinearBits;
  if (value < linear) return static_cast<std::size_t>(value);
  value = std::min<std::uint64_t>(value, (std::uint64_t{1} << kMaxBits) - 1);
  const int msb = std::bit_width(value) - 1;        // >= kLinearBits
  const int shift = msb - (kLinearBits - 1);        // >= 1
  const std::uint64_t sub = value >> shift;         // in [kHalf, 2 * kHalf)
  return static_cast<std::size_t>(linear + static_cast<std::uint64_t>(shift - 1) * kHalf + (sub - kHalf));
}

std::uint64_t LatencyHistogram::highest_of(std::size_t index) {
  constexpr std::size_t linear = 1u << kLinearBits;
  if (index < linear) return index;
  const std::size_t k = index - linear;
  const int shift = static_cast<int>(k / kHalf) + 1;
  const std::uint64_t sub = kHalf + k % kHalf;
  return ((sub + 1) << shift) - 1;
}

void LatencyHistogram::record(std::uint64_t value) {
  ++counts_[index_of(value)];
  ++count_;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += value;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

std::uint64_t LatencyHistogram::percentile(double quantile) const {
  if (count_ == 0) return 0;
  quantile = std::clamp(quantile, 0.0, 1.0);
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(quantile * static_cast<double>(count_) - 1e-9)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(highest_of(i), min(), max_);
  }
  return max_;
}

}  // namespace twinsock::cli
