// libFuzzer target: callboard's small JSON formats. The input is parsed as
// a release manifest (parse_release), and also as plugin JSON and directory
// entry JSON, which share the strict reader and the writer.
//
// Checked for each: no crash or throw; failures carry a message, an
// invalid_argument / resource_exhausted code, and (for a well-formed
// document of the wrong shape) the JSON pointer of the offending member;
// parse(to_json(x)) == x and printing again gives the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "callboard/model.hpp"

#include "fuzz_check.hpp"

namespace {

template <typename T, typename Parse>
void check(std::string_view text, Parse parse, const char* what) {
  callboard::ParseLimits limits;
  limits.max_depth = 16;
  const auto parsed = parse(text, limits);
  if (!parsed.ok()) {
    callboard::fuzz::check_parse_error(parsed.error(), true);
    return;
  }
  const std::string json = callboard::to_json(*parsed);
  const auto again = parse(json, callboard::ParseLimits{});
  CALLBOARD_FUZZ_CHECK(
      "roundtrip-parses", again.ok(),
      std::string(what) + ": " + json + "\n" + (again.ok() ? "" : again.error().to_string()));
  CALLBOARD_FUZZ_CHECK(
      "roundtrip-equal", *again == *parsed,
      std::string(what) + ": " + json + "\nreprinted: " + callboard::to_json(*again));
  CALLBOARD_FUZZ_CHECK("canonical", callboard::to_json(*again) == json,
                       std::string(what) + ": " + json);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  callboard::fuzz::g_current_input = text;
  using namespace callboard;
  check<Release>(
      text, [](std::string_view t, const ParseLimits& l) { return parse_release(t, l); },
      "release");
  check<Plugin>(
      text, [](std::string_view t, const ParseLimits& l) { return parse_plugin_json(t, l); },
      "plugin");
  check<DirectoryEntry>(
      text,
      [](std::string_view t, const ParseLimits& l) { return parse_directory_entry_json(t, l); },
      "directory");
  return 0;
}
