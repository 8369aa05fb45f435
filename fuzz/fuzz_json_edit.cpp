// libFuzzer target: edit_json_text (include/callboard/json_edit.hpp), the
// minimal-diff editor of package.json text.
//
// Input: a JSON document, optionally preceded by edit lines and a line
// "----": each edit line is `key/key/...=value` (set) or `key/key/...`
// (remove); at most 8. Without the separator, 1-4 edits are derived from
// the document's own member paths (so existing members, duplicates and npm
// override objects are hit) with a PRNG seeded from the input.
// Checked:
//  - edit_json_text never crashes; it fails exactly when the document does
//    not parse, an edit's path is empty or not UTF-8, the value model says a
//    path runs through a non-object (kFailedPrecondition, naming the path),
//    or a limit is exceeded; errors carry the common parser contract;
//  - on success the output parses and equals the parsed input with the edits
//    applied to the value as JsonEdit documents them (the "." rule for npm
//    object overrides, removal of every occurrence, pruning of emptied
//    objects below the top level);
//  - top-level members no edit's first key names are byte-identical in the
//    output, in the same order;
//  - setting an absent path and removing it again gives back the input
//    bytes when the deepest object that existed on the path had members;
//  - editing the output again with the same edits agrees with the value
//    model, and changes no byte when the edits are all sets that leave the
//    value as it is.

#include <algorithm>
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/json_edit.hpp"
#include "../tests/support/json_edit_model.hpp"

#include "fuzz_check.hpp"
#include "model/json_detail.hpp"

namespace {

namespace json = boost::json;
using callboard::ErrorCode;
using callboard::JsonEdit;
using callboard::fuzz::check_failed;

#define EDIT_CHECK(cond, detail)                                    \
  do {                                                              \
    if (!(cond)) check_failed(#cond, __FILE__, __LINE__, (detail)); \
  } while (0)

std::optional<json::value> parse(std::string_view text, json::storage_ptr sp = {}) {
  auto v = callboard::model_detail::parse_document(
      text, {}, "fuzz", callboard::model_detail::SkipProfile::kNone, std::move(sp));
  if (!v.ok()) return std::nullopt;
  return std::move(*v);
}

bool valid_utf8(std::string_view s) {
  std::string doc = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\' || u < 0x20) {
      doc += "\\u00";
      doc += "0123456789abcdef"[u >> 4];
      doc += "0123456789abcdef"[u & 15];
    } else {
      doc += c;
    }
  }
  return parse(doc + "\"").has_value();
}


/// The deepest object on `path` that exists has members and the path is
/// absent below it (through objects only).
bool absent_below_nonempty(const json::object& top, const std::vector<std::string>& path) {
  const json::object* o = &top;
  for (const auto& key : path) {
    auto it = o->find(key);
    if (it == o->end()) return !o->empty();
    if (!it->value().is_object()) return false;
    o = &it->value().as_object();
  }
  return false;
}

/// Top-level members as (decoded key, exact text from key to value end).
/// `text` is valid JSON with an object at the top.
std::vector<std::pair<std::string, std::string_view>> top_members(std::string_view text) {
  std::vector<std::pair<std::string, std::string_view>> out;
  auto space = [&](std::size_t i) {
    while (i < text.size() &&
           (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
      ++i;
    return i;
  };
  auto string_end = [&](std::size_t i) {
    for (++i; i < text.size(); ++i) {
      if (text[i] == '\\') {
        ++i;
      } else if (text[i] == '"') {
        return i + 1;
      }
    }
    return text.size();
  };
  std::size_t i = space(text.find('{') + 1);
  while (i < text.size() && text[i] == '"') {
    const std::size_t key_begin = i;
    const std::size_t key_end = string_end(i);
    i = space(space(key_end) + 1);
    std::size_t depth = 0;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '"') {
        i = string_end(i) - 1;
        if (depth == 0) {
          ++i;
          break;
        }
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) break;
        if (--depth == 0) {
          ++i;
          break;
        }
      } else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
        break;
      }
    }
    auto key = parse(text.substr(key_begin, key_end - key_begin));
    out.emplace_back(std::string(key->as_string()), text.substr(key_begin, i - key_begin));
    i = space(i);
    if (i < text.size() && text[i] == ',') i = space(i + 1);
  }
  return out;
}

void collect_paths(const json::object& o, std::vector<std::string>& prefix,
                   std::vector<std::vector<std::string>>& out) {
  for (const auto& kv : o) {
    if (out.size() >= 64) return;
    prefix.emplace_back(kv.key());
    out.push_back(prefix);
    if (const auto* inner = kv.value().if_object(); inner != nullptr && prefix.size() < 6) {
      collect_paths(*inner, prefix, out);
    }
    prefix.pop_back();
  }
}

std::string describe(const std::vector<JsonEdit>& edits) {
  std::string s;
  for (const auto& e : edits) {
    s += "  [";
    for (const auto& k : e.path) s += "\"" + k + "\" ";
    s += e.value ? "] = \"" + *e.value + "\"\n" : "] removed\n";
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  callboard::fuzz::g_current_input = input;
  if (size > (1u << 16)) return 0;

  std::string_view doc = input;
  std::vector<JsonEdit> edits;
  if (const auto sep = input.find("----\n");
      sep != std::string_view::npos && (sep == 0 || input[sep - 1] == '\n')) {
    doc = input.substr(sep + 5);
    std::string_view lines = input.substr(0, sep);
    while (!lines.empty() && edits.size() < 8) {
      const auto nl = lines.find('\n');
      std::string_view line = lines.substr(0, nl);
      lines = nl == std::string_view::npos ? std::string_view() : lines.substr(nl + 1);
      JsonEdit e;
      const auto eq = line.find('=');
      if (eq != std::string_view::npos) {
        e.value = std::string(line.substr(eq + 1));
        line = line.substr(0, eq);
      }
      std::size_t start = 0;
      while (start <= line.size() && !line.empty()) {
        const auto slash = line.find('/', start);
        const auto end = slash == std::string_view::npos ? line.size() : slash;
        e.path.emplace_back(line.substr(start, end - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
      }
      edits.push_back(std::move(e));
    }
  }

  json::monotonic_resource resource;
  const auto parsed = parse(doc, &resource);
  if (edits.empty() && parsed && parsed->is_object()) {
    std::vector<std::vector<std::string>> paths;
    std::vector<std::string> prefix;
    collect_paths(parsed->as_object(), prefix, paths);
    std::seed_seq seq(input.begin(), input.end());
    std::mt19937 rng(seq);
    const auto pick = [&](std::size_t n) {
      return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    };
    static const char* const kValues[] = {"1.2.3",  "^2.0.0", "a\"b\\c", "\xc3\xa9\xe2\x80\xa8",
                                          "\x01\n", ""};
    static const char* const kKeys[] = {"overrides", ".", "dependencies", "new", "a", "@s/p"};
    const std::size_t count = 1 + pick(4);
    for (std::size_t i = 0; i < count; ++i) {
      JsonEdit e;
      if (!paths.empty() && pick(4) != 0) e.path = paths[pick(paths.size())];
      const std::size_t extra = e.path.empty() ? 1 + pick(3) : pick(3);
      for (std::size_t k = 0; k < extra; ++k) e.path.emplace_back(kKeys[pick(6)]);
      if (pick(3) != 0) e.value = kValues[pick(6)];
      edits.push_back(std::move(e));
    }
  }

  const auto out = callboard::edit_json_text(doc, edits);
  const bool bom = doc.substr(0, 3) == "\xEF\xBB\xBF";
  const auto body_parsed = bom ? parse(doc.substr(3), &resource) : parsed;

  bool edits_valid = true;
  for (const auto& e : edits) {
    edits_valid = edits_valid && !e.path.empty() && (!e.value || valid_utf8(*e.value));
    for (const auto& k : e.path) edits_valid = edits_valid && valid_utf8(k);
  }
  if (!body_parsed || !body_parsed->is_object()) {
    EDIT_CHECK(!out.ok(), "accepted an invalid document\n" + describe(edits));
    callboard::fuzz::check_parse_error(out.error(), true);
    return 0;
  }
  if (!edits_valid) {
    EDIT_CHECK(!out.ok() && out.error().code == ErrorCode::kInvalidArgument &&
                   !out.error().detail("edit").empty(),
               (out.ok() ? *out : out.error().to_string()) + "\n" + describe(edits));
    return 0;
  }
  json::value expected = *body_parsed;
  bool model_ok = true;
  for (const auto& e : edits) model_ok = model_ok && callboard::test::apply_to_value(expected.as_object(), e);
  if (!model_ok) {
    EDIT_CHECK(!out.ok() && out.error().code == ErrorCode::kFailedPrecondition,
               (out.ok() ? *out : out.error().to_string()) + "\n" + describe(edits));
    EDIT_CHECK(!out.error().detail("path").empty() && !out.error().detail("pointer").empty(),
               out.error().to_string());
    return 0;
  }
  if (!out.ok()) {
    // Only growing past the depth bound may fail a valid edit.
    EDIT_CHECK(out.error().code == ErrorCode::kResourceExhausted,
               out.error().to_string() + "\n" + describe(edits));
    return 0;
  }
  const std::string_view body = std::string_view(*out).substr(bom ? 3 : 0);
  const auto got = parse(body, &resource);
  EDIT_CHECK(got.has_value(), "output does not parse:\n" + *out + "\n" + describe(edits));
  EDIT_CHECK(*got == expected, "output differs from the edited value:\n" + *out + "\nexpected " +
                                   json::serialize(expected) + "\n" + describe(edits));
  EDIT_CHECK(!bom || std::string_view(*out).substr(0, 3) == "\xEF\xBB\xBF", "byte order mark lost");

  // Untouched top-level members keep their bytes and order.
  {
    std::vector<std::string> touched;
    for (const auto& e : edits) touched.push_back(e.path.front());
    std::size_t from = 0;
    for (const auto& [key, text] : top_members(doc.substr(bom ? 3 : 0))) {
      if (std::find(touched.begin(), touched.end(), key) != touched.end()) continue;
      const auto at = body.find(text, from);
      EDIT_CHECK(at != std::string_view::npos,
                 "untouched member changed: " + std::string(text) + "\n" + *out);
      from = at + text.size();
    }
  }

  // The same edits again: the value model decides; when the edits are all
  // sets and leave the value as it is, the bytes stay too.
  {
    json::value twice = expected;
    bool twice_ok = true;
    for (const auto& e : edits) twice_ok = twice_ok && callboard::test::apply_to_value(twice.as_object(), e);
    const auto again = callboard::edit_json_text(*out, edits);
    if (!twice_ok) {
      EDIT_CHECK(!again.ok() && again.error().code == ErrorCode::kFailedPrecondition,
                 again.ok() ? *again : again.error().to_string());
    } else if (again.ok()) {
      const auto again_parsed = parse(std::string_view(*again).substr(bom ? 3 : 0), &resource);
      EDIT_CHECK(again_parsed && *again_parsed == twice, *again);
      bool all_sets = true;
      for (const auto& e : edits) all_sets = all_sets && e.value.has_value();
      EDIT_CHECK(!all_sets || twice != expected || *again == *out,
                 "not a fixpoint:\n" + *out + "\nthen\n" + *again);
    } else {
      EDIT_CHECK(again.error().code == ErrorCode::kResourceExhausted, again.error().to_string());
    }
  }

  // Set-then-remove of an absent path gives back the bytes.
  for (const auto& e : edits) {
    if (!e.value || !absent_below_nonempty(body_parsed->as_object(), e.path)) continue;
    const std::vector<JsonEdit> one = {e};
    const auto added = callboard::edit_json_text(doc, one);
    if (!added.ok()) continue;  // a limit
    const std::vector<JsonEdit> undo = {JsonEdit{e.path, std::nullopt}};
    const auto removed = callboard::edit_json_text(*added, undo);
    EDIT_CHECK(removed.ok() && *removed == doc,
               "set then remove differs:\n" + *added + "\nthen\n" +
                   (removed.ok() ? *removed : removed.error().to_string()));
  }
  return 0;
}
