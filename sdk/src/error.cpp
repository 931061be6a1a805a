// The twinsock error category: ids, messages, conditions and close codes,
// all generated from the errors/*.def tables so they cannot drift apart.
#include "twinsock/error.hpp"

#include <cstddef>
#include <string>

namespace twinsock {
namespace {

struct ErrorInfo {
  std::string_view id;
  condition cond;
  std::uint16_t close_code;
  std::string_view message;
};

constexpr ErrorInfo kErrors[] = {
    {"TWINSOCK_OK", condition::ok, 0, "success"},
#define TWINSOCK_ERROR(name, id, cond, close_code, message) {id, condition::cond, close_code, message},
#include "twinsock/errors/general.def"
#include "twinsock/errors/url.def"
#include "twinsock/errors/http.def"
#include "twinsock/errors/ws.def"
#include "twinsock/errors/sse.def"
#include "twinsock/errors/eio.def"
#include "twinsock/errors/sio.def"
#include "twinsock/errors/msgpack.def"
#include "twinsock/errors/net.def"
#include "twinsock/errors/client.def"
#undef TWINSOCK_ERROR
};
constexpr std::size_t kErrorCount = sizeof(kErrors) / sizeof(kErrors[0]);

const ErrorInfo* find(int value) noexcept {
  if (value < 0 || static_cast<std::size_t>(value) >= kErrorCount) return nullptr;
  return &kErrors[value];
}

class ErrorCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "twinsock"; }
  std::string message(int value) const override {
    const ErrorInfo* info = find(value);
    return info ? std::string(info->message) : "unknown twinsock error";
  }
  std::error_condition default_error_condition(int value) const noexcept override {
    const ErrorInfo* info = find(value);
    return info ? make_error_condition(info->cond) : std::error_condition(value, *this);
  }
};

class ConditionCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "twinsock.condition"; }
  std::string message(int value) const override {
    switch (static_cast<condition>(value)) {
      case condition::ok: return "success";
      case condition::invalid_argument: return "invalid argument";
      case condition::protocol_violation: return "protocol violation";
      case condition::handshake_failed: return "handshake failed";
      case condition::limit_exceeded: return "limit exceeded";
      case condition::transport: return "transport failure";
      case condition::timeout: return "timed out";
      case condition::closed_by_peer: return "closed by peer";
      case condition::closed_by_user: return "closed by user";
    }
    return "unknown condition";
  }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const ErrorCategory category;
  return category;
}

const std::error_category& condition_category() noexcept {
  static const ConditionCategory category;
  return category;
}

std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

std::error_condition make_error_condition(condition c) noexcept {
  return {static_cast<int>(c), condition_category()};
}

std::string_view error_id(errc e) noexcept {
  const ErrorInfo* info = find(static_cast<int>(e));
  return info ? info->id : "TWINSOCK_ERR_UNKNOWN";
}

std::string_view error_id(const std::error_code& ec) noexcept {
  if (!ec) return "TWINSOCK_OK";
  if (ec.category() == error_category()) return error_id(static_cast<errc>(ec.value()));
  if (ec.category() == std::system_category() || ec.category() == std::generic_category())
    return "TWINSOCK_ERR_SYSTEM";
  return "TWINSOCK_ERR_UNKNOWN";
}

std::uint16_t close_code_for(errc e) noexcept {
  const ErrorInfo* info = find(static_cast<int>(e));
  return info ? info->close_code : 0;
}

std::uint16_t close_code_for(const std::error_code& ec) noexcept {
  return ec.category() == error_category() ? close_code_for(static_cast<errc>(ec.value())) : 0;
}

errc errc_from_id(std::string_view id) noexcept {
  for (std::size_t i = 0; i < kErrorCount; ++i)
    if (kErrors[i].id == id) return static_cast<errc>(i);
  return errc::ok;
}

}  // namespace twinsock
