// The text of the Session's request enums (stable: it is in the request
// documents of docs/api/README.md).

#include "callboard/session.hpp"

namespace callboard {

std::string_view to_string(VerifyStore store) noexcept {
  switch (store) {
    case VerifyStore::kIfExists: return "if-exists";
    case VerifyStore::kAlways: return "always";
    case VerifyStore::kNever: return "never";
  }
  return "if-exists";
}

std::optional<VerifyStore> parse_verify_store(std::string_view text) noexcept {
  for (VerifyStore s : {VerifyStore::kIfExists, VerifyStore::kAlways, VerifyStore::kNever}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

std::string_view to_string(ApplyMode mode) noexcept {
  switch (mode) {
    case ApplyMode::kNone: return "none";
    case ApplyMode::kDryRun: return "dry-run";
    case ApplyMode::kWrite: return "write";
  }
  return "none";
}

std::optional<ApplyMode> parse_apply_mode(std::string_view text) noexcept {
  for (ApplyMode m : {ApplyMode::kNone, ApplyMode::kDryRun, ApplyMode::kWrite}) {
    if (to_string(m) == text) return m;
  }
  return std::nullopt;
}

}  // namespace callboard
