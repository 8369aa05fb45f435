// Fuzz target: parse_directory_entry (libyaml underneath) on arbitrary bytes.
//
// Properties: never crashes, leaks or hangs; an accepted entry carries the
// id it was given and only trimmed, non-empty-list strings; an accepted entry
// survives to_json -> parse_directory_entry_json unchanged; a refusal is
// kInvalidArgument (with file, line and column) or kResourceExhausted.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "callboard/model.hpp"
#include "fuzz_check.hpp"

namespace {

bool trimmed(const std::string& s) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  return s.empty() || (kSpace.find(s.front()) == std::string_view::npos &&
                       kSpace.find(s.back()) == std::string_view::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  callboard::fuzz::g_current_input = text;

  auto entry = callboard::parse_directory_entry(text, "fuzz");
  if (!entry) {
    const callboard::Error& e = entry.error();
    CALLBOARD_FUZZ_CHECK("directory-error-code",
                         e.code == callboard::ErrorCode::kInvalidArgument ||
                             e.code == callboard::ErrorCode::kResourceExhausted,
                         e.to_string());
    CALLBOARD_FUZZ_CHECK("directory-error-file", e.detail("file") == "fuzz", e.to_string());
    if (e.code == callboard::ErrorCode::kInvalidArgument) {
      CALLBOARD_FUZZ_CHECK("directory-error-position", !e.detail("line").empty() && !e.detail("column").empty(),
                           e.to_string());
    }
    return 0;
  }
  CALLBOARD_FUZZ_CHECK("directory-id", entry->id == "fuzz", entry->id);
  for (const std::string* s : {&entry->title, &entry->author, &entry->author_url, &entry->category,
                               &entry->description, &entry->documentation, &entry->icon_url,
                               &entry->npm_package_name, &entry->added_date, &entry->status,
                               &entry->stale_since, &entry->snapshot_backstage_version}) {
    CALLBOARD_FUZZ_CHECK("directory-trimmed", trimmed(*s), *s);
  }
  for (const auto& tag : entry->tags) {
    CALLBOARD_FUZZ_CHECK("directory-tag", !tag.empty() && trimmed(tag), tag);
  }
  const std::string json = callboard::to_json(*entry);
  auto again = callboard::parse_directory_entry_json(json);
  CALLBOARD_FUZZ_CHECK("directory-json-roundtrip", again.ok() && *again == *entry,
                       json + (again.ok() ? std::string(" -> different entry") : " -> " + again.error().to_string()));
  return 0;
}
