#include "callboard/error.hpp"

#include <stdexcept>

namespace callboard {

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kAlreadyExists: return "already_exists";
    case ErrorCode::kFailedPrecondition: return "failed_precondition";
    case ErrorCode::kAborted: return "aborted";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kPermissionDenied: return "permission_denied";
    case ErrorCode::kDataLoss: return "data_loss";
    case ErrorCode::kInternal: return "internal";
    case ErrorCode::kUnimplemented: return "unimplemented";
    case ErrorCode::kCancelled: return "cancelled";
    case ErrorCode::kResourceExhausted: return "resource_exhausted";
    case ErrorCode::kUnsatisfiable: return "unsatisfiable";
    case ErrorCode::kPolicyDenied: return "policy_denied";
  }
  return "unknown";
}

std::string Error::to_string() const {
  std::string out(callboard::to_string(code));
  out += ": ";
  out += message;
  if (!context.empty()) {
    out += " (";
    for (std::size_t i = 0; i < context.size(); ++i) {
      if (i != 0) out += ", ";
      out += context[i].key;
      out += '=';
      out += context[i].value;
    }
    out += ')';
  }
  return out;
}

namespace detail {
void throw_bad_result_access(bool wanted_value) {
  throw std::logic_error(wanted_value ? "callboard::Result: value() called on an error"
                                      : "callboard::Result: error() called on a value");
}
}  // namespace detail

}  // namespace callboard
