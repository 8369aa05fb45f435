// Fuzz target: parse_package_lock (Boost.JSON underneath), lockfileVersion 1-3.
//
// Properties: never crashes, leaks or hangs; packages are sorted by (name,
// host-level first, version, path), one per install path, host-level exactly
// at "node_modules/<name>", with non-empty names and valid semver versions; a
// refusal is kInvalidArgument or kResourceExhausted and names the file.

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

  auto locked = callboard::model_detail::parse_package_lock(text, "package-lock.json");
  if (!locked) {
    const callboard::Error& e = locked.error();
    callboard::fuzz::check_parse_error(e, false);
    CALLBOARD_FUZZ_CHECK("npm-error-file", e.detail("file") == "package-lock.json", e.to_string());
    return 0;
  }
  const auto& packages = *locked;
  callboard::fuzz::check_locked_packages(packages, callboard::fuzz::LockedShape::kByPath);
  return 0;
}
