// libFuzzer target: artifact record JSON (parse_artifact_record_json), the
// storage form of what a verified tarball holds. The Storage reads it back
// from a database file, which may be damaged or edited by hand.
//
// Checked: no crash or throw; failures carry a message, an invalid_argument
// / resource_exhausted code and (for a well-formed document of the wrong
// shape) the JSON pointer of the offending member; accepted records respect
// the record's bounds (config schema bytes, entry points);
// parse(to_json(x)) == x and printing again gives the same bytes.
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
  const auto parsed = parse_artifact_record_json(text, limits);
  if (!parsed.ok()) {
    fuzz::check_parse_error(parsed.error(), true);
    return 0;
  }
  const ArtifactRecord& r = *parsed;
  CALLBOARD_FUZZ_CHECK("schema-bound", !r.config_schema || r.config_schema->size() <= kMaxArtifactConfigSchemaBytes,
                       std::to_string(r.config_schema ? r.config_schema->size() : 0));
  CALLBOARD_FUZZ_CHECK("entry-point-bound", r.entry_points.size() <= kMaxArtifactEntryPoints,
                       std::to_string(r.entry_points.size()));
  const std::string json = to_json(r);
  const auto again = parse_artifact_record_json(json, ParseLimits{});
  CALLBOARD_FUZZ_CHECK("roundtrip-parses", again.ok(), json + "\n" + (again.ok() ? "" : again.error().to_string()));
  CALLBOARD_FUZZ_CHECK("roundtrip-equal", *again == r, json + "\nreprinted: " + to_json(*again));
  CALLBOARD_FUZZ_CHECK("canonical", to_json(*again) == json, json);
  return 0;
}
