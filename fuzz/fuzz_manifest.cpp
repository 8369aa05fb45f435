// libFuzzer target: package.json parsing (parse_manifest) and the analysis
// run on its result.
//
// Checked:
//  - parse never crashes, never throws, and a failure carries a message and
//    an invalid_argument / resource_exhausted code (syntax errors also a
//    line and column);
//  - a parsed manifest prints canonically: parse(to_json(m)) == m, and
//    printing that again gives the same bytes;
//  - detect_role and classify_plugin_systems never crash, a declared role
//    wins, and libraries are never classified.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "callboard/model.hpp"

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  callboard::fuzz::g_current_input = text;
  using namespace callboard;

  ParseLimits limits;
  limits.max_depth = 16;
  const auto parsed = parse_manifest(text, limits);
  if (!parsed.ok()) {
    fuzz::check_parse_error(parsed.error(), false);
    return 0;
  }
  const Manifest& m = *parsed;
  const std::string json = to_json(m);
  const auto again = parse_manifest(json);
  CALLBOARD_FUZZ_CHECK("manifest-roundtrip-parses", again.ok(),
                       json + "\n" + (again.ok() ? "" : again.error().to_string()));
  CALLBOARD_FUZZ_CHECK("manifest-roundtrip-equal", *again == m,
                       json + "\nreprinted: " + to_json(*again));
  CALLBOARD_FUZZ_CHECK("manifest-canonical", to_json(*again) == json, json);

  const PackageRole role = detect_role(m);
  if (m.backstage && m.backstage->role) {
    CALLBOARD_FUZZ_CHECK("declared-role-wins", role == *m.backstage->role, json);
  }
  const PluginSystems systems = classify_plugin_systems(m);
  const bool backend = role == PackageRole::kBackendPlugin ||
                       role == PackageRole::kBackendPluginModule || role == PackageRole::kBackend;
  const bool frontend = role == PackageRole::kFrontendPlugin ||
                        role == PackageRole::kFrontendPluginModule ||
                        role == PackageRole::kFrontend;
  CALLBOARD_FUZZ_CHECK("backend-system-iff-backend-role",
                       (systems.backend != PluginSystem::kNotApplicable) == backend, json);
  CALLBOARD_FUZZ_CHECK("frontend-system-iff-frontend-role",
                       (systems.frontend != PluginSystem::kNotApplicable) == frontend, json);
  return 0;
}
