// Fuzz target: parse_pnpm_lock (lockfileVersion 5.x, 6.x and 9.x, through
// libyaml).
//
// Properties: never crashes, leaks or hangs; packages are sorted by (name,
// version), unique, with non-empty names, valid semver versions (no peer
// suffix left), no path, sorted unique descriptors and host_level left to
// load_app_profile; a refusal is kInvalidArgument (with file, line and
// column) or kResourceExhausted, and names the file.

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

  auto locked = md::parse_pnpm_lock(text, "pnpm-lock.yaml");
  if (!locked) {
    const callboard::Error& e = locked.error();
    callboard::fuzz::check_parse_error(e, false);
    CALLBOARD_FUZZ_CHECK("pnpm-error-file", e.detail("file") == "pnpm-lock.yaml", e.to_string());
    if (e.code == callboard::ErrorCode::kInvalidArgument) {
      CALLBOARD_FUZZ_CHECK("pnpm-error-position", !e.detail("line").empty() && !e.detail("column").empty(),
                           e.to_string());
    }
    return 0;
  }
  for (const auto& p : *locked) {
    CALLBOARD_FUZZ_CHECK("pnpm-no-peer-suffix", p.version.find_first_of("(_") == std::string::npos, p.version);
  }
  callboard::fuzz::check_locked_packages(*locked, callboard::fuzz::LockedShape::kByVersion);
  return 0;
}
