// libFuzzer target: registry packuments (parse_packument).
//
// Checked:
//  - parse never crashes or throws; failures carry a message and an
//    invalid_argument / resource_exhausted code;
//  - versions are strictly ascending by precedence, build, then text, each
//    a canonical strict semver string, each found by find();
//  - latest() is null exactly when there are no versions, and names one of
//    them;
//  - parse(to_json(p)) == p and printing again gives the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "callboard/model.hpp"
#include "callboard/semver.hpp"

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  callboard::fuzz::g_current_input = text;
  using namespace callboard;

  ParseLimits limits;
  limits.max_depth = 16;
  limits.max_versions = 64;
  const auto parsed = parse_packument(text, limits);
  if (!parsed.ok()) {
    fuzz::check_parse_error(parsed.error(), false);
    return 0;
  }
  const Packument& p = *parsed;
  CALLBOARD_FUZZ_CHECK("version-limit", p.versions.size() <= limits.max_versions, p.name);
  for (std::size_t i = 0; i < p.versions.size(); ++i) {
    const std::string& v = p.versions[i].version;
    const auto version = semver::Version::parse(v);
    CALLBOARD_FUZZ_CHECK("version-valid", version.ok() && version->to_string_with_build() == v, v);
    CALLBOARD_FUZZ_CHECK("find-version", p.find(v) == &p.versions[i], v);
    if (i > 0) {
      const auto prev = semver::Version::parse(p.versions[i - 1].version);
      // The packument promises semver::sort_order (compare_build's order
      // with exact numeric identifiers): node's precedence is not transitive
      // past 2^53, so it cannot be what a sorted list is checked against.
      CALLBOARD_FUZZ_CHECK("versions-ascending", semver::sort_order(*prev, *version) < 0,
                           p.versions[i - 1].version + " then " + v);
    }
  }
  const Manifest* latest = p.latest();
  CALLBOARD_FUZZ_CHECK("latest-null-iff-empty", (latest == nullptr) == p.versions.empty(), p.name);
  if (latest != nullptr)
    CALLBOARD_FUZZ_CHECK("latest-is-a-version", p.find(latest->version) == latest, p.name);

  const std::string json = to_json(p);
  const auto again = parse_packument(json);
  CALLBOARD_FUZZ_CHECK("packument-roundtrip-parses", again.ok(),
                       json + "\n" + (again.ok() ? "" : again.error().to_string()));
  CALLBOARD_FUZZ_CHECK("packument-roundtrip-equal", *again == p,
                       json + "\nreprinted: " + to_json(*again));
  CALLBOARD_FUZZ_CHECK("packument-canonical", to_json(*again) == json, json);
  return 0;
}
