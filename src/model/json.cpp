// callboard/json.hpp: the compact writer (the model codecs' Writer) and
// json_object_members.

#include "callboard/json.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <exception>

#include "model/json_detail.hpp"

namespace callboard {

void JsonWriter::uint(std::uint64_t v) {
  separator();
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
  pending_comma_ = true;
}

void JsonWriter::int64(std::int64_t v) {
  separator();
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
  pending_comma_ = true;
}

void JsonWriter::number(double v) {
  if (!std::isfinite(v)) {
    null();
    return;
  }
  // -0.0 would print as "-0", which JSON readers (Boost.JSON too) take for
  // the integer 0: write 0 so that what is written reads back the same.
  if (v == 0.0) v = 0.0;
  separator();
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
  pending_comma_ = true;
}

void JsonWriter::timestamp_or_null(Timestamp t) {
  if (t == Timestamp{}) {
    null();
  } else {
    string(format_timestamp(t));
  }
}

void JsonWriter::append_string(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out_.push_back('"');
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t run = i;
    while (run < s.size()) {
      const auto c = static_cast<unsigned char>(s[run]);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
      ++run;
    }
    out_.append(s.data() + i, run - i);
    i = run;
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = model_detail::utf8_sequence(s, i);
      if (n == 0) {
        out_ += "\xEF\xBF\xBD";  // U+FFFD
        ++i;
      } else {
        out_.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      case '\b': out_ += "\\b"; break;
      case '\f': out_ += "\\f"; break;
      default:
        out_ += "\\u00";
        out_.push_back(kHex[c >> 4]);
        out_.push_back(kHex[c & 0xF]);
    }
    ++i;
  }
  out_.push_back('"');
}

Result<std::map<std::string, std::string, std::less<>>> json_object_members(std::string_view text,
                                                                          std::span<const std::string_view> keys,
                                                                          const ParseLimits& limits,
                                                                          std::string_view what) {
  namespace json = boost::json;
  try {
    json::monotonic_resource resource;
    auto doc = model_detail::parse_document(text, limits, what, model_detail::SkipProfile::kNone, &resource);
    if (!doc) return std::move(doc).error();
    const json::object* top = doc->if_object();
    if (top == nullptr) return model_detail::pointer_error(what, "", "the top level is not an object");
    std::map<std::string, std::string, std::less<>> out;
    for (std::string_view key : keys) {
      if (const json::value* v = top->if_contains(key)) out.insert_or_assign(std::string(key), json::serialize(*v));
    }
    return out;
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kResourceExhausted, std::string(what) + ": " + e.what());
  }
}

}  // namespace callboard
