// libFuzzer target: the search text rules shared by the storage backends
// (src/backends/search_common.cpp, compiled into this target directly: the
// fuzz library holds only the parser modules).
//
// The whole input is a query text (and, as bytes, a document text).
// Checked:
//  - tokenize never crashes; tokens are non-empty, hold no ASCII
//    punctuation, space, control or upper-case letter, and are valid UTF-8;
//  - tokenize(join_tokens(tokens)) == tokens: the SQLite backend stores the
//    joined tokens in an FTS5 table with the `ascii` tokenizer and relies on
//    getting exactly these tokens back;
//  - query_terms: at most kMaxQueryTerms terms, only the last a prefix, each
//    term a token of the text; the FTS5 expression has exactly two quotes
//    per term and nothing between terms but single spaces and '*'.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "backends/search_common.cpp"  // NOLINT(bugprone-suspicious-include)
#include "fuzz_check.hpp"

namespace {

using callboard::backend::detail::fts5_match_expression;
using callboard::backend::detail::join_tokens;
using callboard::backend::detail::kMaxQueryTerms;
using callboard::backend::detail::query_terms;
using callboard::backend::detail::tokenize;
using callboard::fuzz::check_failed;

#define SEARCH_CHECK(cond, detail) \
  do {                             \
    if (!(cond)) check_failed(#cond, __FILE__, __LINE__, (detail)); \
  } while (0)

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0u) != 0x80u) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  callboard::fuzz::g_current_input = text;

  const auto tokens = tokenize(text);
  for (const auto& t : tokens) {
    SEARCH_CHECK(!t.empty(), "empty token");
    for (char ch : t) {
      const auto c = static_cast<unsigned char>(ch);
      const bool ascii_ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
      SEARCH_CHECK(c >= 0x80 || ascii_ok, "token " + t);
    }
    SEARCH_CHECK(valid_utf8(t), "token is not UTF-8");
  }
  SEARCH_CHECK(tokenize(join_tokens(tokens)) == tokens, "join/tokenize round trip");

  const auto terms = query_terms(text);
  SEARCH_CHECK(terms.size() <= kMaxQueryTerms, "too many terms");
  SEARCH_CHECK(terms.empty() == tokens.empty(), "terms without tokens or tokens without terms");
  for (std::size_t i = 0; i < terms.size(); ++i) {
    SEARCH_CHECK(terms[i].prefix == (i + 1 == terms.size()), "prefix flag");
    bool found = false;
    for (const auto& t : tokens) found = found || t == terms[i].text;
    SEARCH_CHECK(found, "term is not a token: " + terms[i].text);
  }
  const std::string expr = fts5_match_expression(terms);
  std::size_t quotes = 0;
  for (char c : expr) quotes += c == '"' ? 1 : 0;
  SEARCH_CHECK(quotes == 2 * terms.size(), "quotes in " + expr);
  return 0;
}
