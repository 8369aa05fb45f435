#pragma once
/// \file
/// A minimal JSON writer for the CLI's `--json` output: strings escaped per
/// RFC 8259, invalid UTF-8 replaced by U+FFFD so the output always parses.

#include <string>
#include <string_view>

namespace callboard::cli {

/// Appends `text` as a JSON string literal (with the quotes) to `out`.
void append_json_string(std::string& out, std::string_view text);

/// `text` as a JSON string literal.
[[nodiscard]] inline std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

}  // namespace callboard::cli
