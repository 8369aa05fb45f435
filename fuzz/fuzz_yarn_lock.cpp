// Fuzz target: parse_yarn_lock (classic line parser, berry through libyaml).
//
// Properties: never crashes, leaks or hangs; the kind reported is the one
// detect_yarn_lock_kind gives; packages are sorted by (name, version),
// unique, with non-empty names, valid semver versions, no path, sorted unique
// descriptors and host_level left to load_app_profile; a refusal is
// kInvalidArgument (with file and line) or kResourceExhausted.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "callboard/model.hpp"
#include "callboard/semver.hpp"
#include "fuzz_check.hpp"
#include "model/lockfile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  callboard::fuzz::g_current_input = text;
  namespace md = callboard::model_detail;

  auto lock = md::parse_yarn_lock(text, "yarn.lock");
  if (!lock) {
    const callboard::Error& e = lock.error();
    callboard::fuzz::check_parse_error(e, false);
    CALLBOARD_FUZZ_CHECK("yarn-error-file", e.detail("file") == "yarn.lock", e.to_string());
    if (e.code == callboard::ErrorCode::kInvalidArgument) {
      CALLBOARD_FUZZ_CHECK("yarn-error-line", !e.detail("line").empty(), e.to_string());
    }
    return 0;
  }
  CALLBOARD_FUZZ_CHECK("yarn-kind", lock->kind == md::detect_yarn_lock_kind(text),
                       std::to_string(static_cast<int>(lock->kind)));
  const auto& packages = lock->packages;
  callboard::fuzz::check_locked_packages(packages, callboard::fuzz::LockedShape::kByVersion);
  return 0;
}
