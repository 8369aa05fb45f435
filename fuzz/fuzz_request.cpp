// libFuzzer target: the product API's request decoders (callboard/codec.hpp,
// src/codec/requests.cpp), the part of the codecs that reads what a front
// end was sent: a REST body, a binding's argument, a JSON file. The request
// codec is compiled in here; the fuzz library holds the parser modules and
// the scanner (compat), whose tier names the requests use.
//
// Checked for every decoder on every input: no crash or throw; a failure
// carries a message, invalid_argument or resource_exhausted, and says where
// (a JSON pointer or a size bound); a success encodes canonically and
// decodes back to the same value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "callboard/codec.hpp"

#include "codec/requests.cpp"    // NOLINT(bugprone-suspicious-include)

#include "fuzz_check.hpp"

namespace {

template <typename Decode>
void check(std::string_view text, Decode decode, const char* what) {
  const auto decoded = decode(text, callboard::codec::kMaxRequestBytes);
  if (!decoded.ok()) {
    const callboard::Error& e = decoded.error();
    callboard::fuzz::check_parse_error(e, false);
    // A pointer ("" is the top level), a size bound, or a syntax error.
    bool pointer = false;
    for (const auto& d : e.context) pointer = pointer || d.key == "pointer";
    const bool where = pointer || e.code == callboard::ErrorCode::kResourceExhausted ||
                       e.message.find("not valid JSON") != std::string::npos;
    CALLBOARD_FUZZ_CHECK("error-says-where", where, std::string(what) + ": " + e.to_string());
    return;
  }
  const std::string json = callboard::codec::encode(*decoded);
  const auto again = decode(json, callboard::codec::kMaxRequestBytes);
  CALLBOARD_FUZZ_CHECK("roundtrip-decodes", again.ok(),
                       std::string(what) + ": " + json + "\n" + (again.ok() ? "" : again.error().to_string()));
  CALLBOARD_FUZZ_CHECK("roundtrip-equal", *again == *decoded, std::string(what) + ": " + json);
  CALLBOARD_FUZZ_CHECK("canonical", callboard::codec::encode(*again) == json, std::string(what) + ": " + json);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  callboard::fuzz::g_current_input = text;
  namespace codec = callboard::codec;
  check(text, codec::decode_index_request, "index");
  check(text, codec::decode_search_request, "search");
  check(text, codec::decode_info_request, "info");
  check(text, codec::decode_release_import_request, "release import");
  check(text, codec::decode_verify_request, "verify");
  check(text, codec::decode_changelog_request, "changelog");
  check(text, codec::decode_solve_request, "solve");
  check(text, codec::decode_check_request, "check");
  check(text, codec::decode_scan_request, "scan");
  check(text, codec::decode_newest_request, "newest");
  check(text, codec::decode_upgrade_request, "upgrade");
  check(text, codec::decode_matrix_request, "matrix");
  return 0;
}
