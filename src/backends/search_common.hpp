#pragma once
// What the storage backends share so that they answer the same questions the
// same way: the search tokenizer, the searchable columns and their weights,
// the query-to-terms rule, the filter/facet/rank/page pass over a compact
// per-plugin fact table, release-version ordering and replace_plugins input
// validation.
//
// The tokenizer is ours, not SQLite's: the SQLite backend stores the token
// lists this file produces (joined by spaces) in an FTS5 table configured with
// the `ascii` tokenizer, which splits them back into exactly the same tokens.
// The memory backend indexes the same token lists. So both backends see the
// same terms, the same document lengths and, with the same BM25 formula, the
// same relevance.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "callboard/backend/storage.hpp"
#include "callboard/error.hpp"
#include "callboard/model.hpp"

namespace callboard::backend::detail {

// ---------------------------------------------------------------------------
// Tokens

/// Appends the search tokens of `text` to `out`: runs of ASCII letters and
/// digits (lowercased) and of non-ASCII characters that are letters or digits
/// in practice (kept byte for byte). Everything else separates tokens: ASCII
/// punctuation and spaces ('-', '/', '@', '.', quotes, operators), invalid
/// UTF-8, and the Unicode punctuation, symbol and emoji blocks listed in the
/// implementation. Tokens never contain '"' or ASCII whitespace.
void tokenize(std::string_view text, std::vector<std::string>& out);
[[nodiscard]] std::vector<std::string> tokenize(std::string_view text);

/// The searchable columns, in FTS5 column order.
inline constexpr std::size_t kSearchColumns = 5;
inline constexpr std::array<std::string_view, kSearchColumns> kSearchColumnNames{
    "names", "title", "description", "keywords", "modules"};
/// BM25 column weights: the plugin id and its package names count most, then
/// the title, keywords, module names, and the description least.
inline constexpr std::array<double, kSearchColumns> kSearchColumnWeights{8.0, 6.0, 1.0, 3.0, 1.5};
/// FTS5's bm25() constants (fts5_aux.c).
inline constexpr double kBm25K1 = 1.2;
inline constexpr double kBm25B = 0.75;

using SearchColumns = std::array<std::vector<std::string>, kSearchColumns>;

/// The tokens of each searchable column of a plugin: names = id + package
/// names; title; description; keywords = keywords + directory tags; modules =
/// module package names.
[[nodiscard]] SearchColumns plugin_search_tokens(const Plugin& plugin);

/// Tokens joined by single spaces (what the SQLite backend stores in FTS5).
[[nodiscard]] std::string join_tokens(const std::vector<std::string>& tokens);

/// One term of a text query; the last term of the text matches as a prefix.
struct QueryTerm {
  std::string text;
  bool prefix = false;
  friend bool operator==(const QueryTerm&, const QueryTerm&) = default;
};

/// At most this many terms of a query's text are used (the first ones, and
/// the last as a prefix); a longer text is a paste, not a search.
inline constexpr std::size_t kMaxQueryTerms = 32;

/// The terms of a query text: its tokens in order, duplicates removed, the
/// last one a prefix term. Empty when the text has no token (then the query
/// has no text condition).
[[nodiscard]] std::vector<QueryTerm> query_terms(std::string_view text);

/// The FTS5 MATCH expression for terms: each quoted (`"term"`), the prefix
/// term as `"term"*`, joined by spaces (implicit AND). Safe for any terms
/// produced by query_terms (tokens contain no '"').
[[nodiscard]] std::string fts5_match_expression(const std::vector<QueryTerm>& terms);

// ---------------------------------------------------------------------------
// Facts: what filtering, faceting and ranking need, for every plugin.

inline constexpr std::uint32_t kNoCategory = UINT32_MAX;

/// A compact table of plugin facts, one row per plugin in id order. Row
/// indexes are what text matching reports.
struct SearchCorpus {
  struct Doc {
    std::string id;
    double score = 0;
    std::uint32_t roles = 0;  ///< bit (1 << role) for each role of a package or module
    std::uint32_t category = kNoCategory;
    PluginSystem backend_system = PluginSystem::kNotApplicable;
    PluginSystem frontend_system = PluginSystem::kNotApplicable;
    bool deprecated = false;
    std::uint32_t releases_begin = 0;  ///< range in release_refs
    std::uint32_t releases_end = 0;
  };
  std::vector<Doc> docs;
  std::vector<std::uint32_t> release_refs;
  std::vector<std::string> release_values;
  /// Categories are grouped case-insensitively (ASCII); the value shown is
  /// the first spelling met in id order.
  std::vector<std::string> category_values;
  std::unordered_map<std::string, std::uint32_t> category_by_key;
};

/// Builds a SearchCorpus. Rows must be added in id order; roles and
/// releases may then be attached to any row, in any order.
class SearchCorpusBuilder {
 public:
  /// Adds a row and returns its index.
  std::uint32_t add_doc(std::string id, double score, std::string_view category, PluginSystem backend_system,
                        PluginSystem frontend_system, bool deprecated);
  void add_role(std::uint32_t row, PackageRole role);
  void add_release(std::uint32_t row, std::string_view release);
  /// Adds every fact of a plugin (a row and its roles and releases).
  void add_plugin(const Plugin& plugin);
  [[nodiscard]] SearchCorpus finish();

 private:
  SearchCorpus corpus_;
  std::unordered_map<std::string, std::uint32_t> release_ids_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> releases_;  // (row, release id)
};

/// A row that matched the text, with its relevance (higher is better).
struct TextMatch {
  std::uint32_t doc = 0;
  double relevance = 0;
};

/// The outcome of a search before plugins are loaded: the page's rows.
struct RankedPage {
  std::size_t total = 0;
  std::vector<TextMatch> hits;
  std::vector<Facet> facets;
};

/// Applies the query's filters to the text matches (or to every row when
/// `matches` is null: a query without text), counts the facets (each with
/// every other facet filter applied), ranks (relevance desc, score desc, id
/// asc) and pages. Deterministic.
[[nodiscard]] RankedPage rank_and_facet(const SearchCorpus& corpus, const SearchQuery& query,
                                        const std::vector<TextMatch>* matches);

/// FTS5's bm25 for one row (without its sign: higher is better), given each
/// phrase's IDF and weighted frequency in the row. Shared so that the memory
/// backend's arithmetic is exactly FTS5's.
[[nodiscard]] double bm25_score(const std::vector<double>& idf, const std::vector<double>& freq, double row_tokens,
                                double avg_tokens) noexcept;
/// FTS5's IDF: log((rows - hits + 0.5) / (hits + 0.5)), at least 1e-6.
[[nodiscard]] double bm25_idf(double rows, double hits) noexcept;

// ---------------------------------------------------------------------------
// Text index: an in-memory inverted index over the searchable columns that
// answers a query with exactly FTS5's matches and bm25 (as FTS5 computes it
// for a table of these rows, with kSearchColumnWeights). The memory backend
// searches with it; the SQLite backend uses it for broad queries, where
// FTS5's per-row bm25() is the cost.

/// How often a term occurs in each column of one row.
struct TextPosting {
  std::uint32_t row = 0;
  std::array<std::uint16_t, kSearchColumns> tf{};  ///< saturates at 65535
};

class TextIndex {
 public:
  /// Rows matching every term (AND; a prefix term matches every token that
  /// starts with it), in row order, with bm25 relevance (higher is better).
  /// Empty `terms` match nothing.
  [[nodiscard]] std::vector<TextMatch> match(const std::vector<QueryTerm>& terms) const;
  [[nodiscard]] std::size_t rows() const noexcept { return row_tokens_.size(); }
  /// Bytes held, roughly (for callers that cache indexes).
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  friend class TextIndexBuilder;
  // Each phrase's (row, weighted frequency) list, sorted by row.
  using PhraseRows = std::vector<std::pair<std::uint32_t, double>>;
  [[nodiscard]] PhraseRows phrase_rows(const QueryTerm& term) const;

  std::vector<std::string> terms_;        // sorted
  std::vector<std::uint32_t> offsets_;    // postings of terms_[i]: [offsets_[i], offsets_[i + 1])
  std::vector<TextPosting> postings_;     // per term, sorted by row
  std::vector<std::uint32_t> row_tokens_;  // tokens per row, all columns
  std::uint64_t total_tokens_ = 0;
};

/// std::string keys looked up by std::string_view without a copy.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

/// Builds a TextIndex. Rows are numbered 0..n-1 (the SearchCorpus rows) and
/// may be added in any order; every row must be added exactly once.
class TextIndexBuilder {
 public:
  /// Adds a row from its token lists.
  void add_row(std::uint32_t row, const SearchColumns& columns);
  /// Adds a row from its columns' stored form (tokens joined by spaces).
  void add_row(std::uint32_t row, const std::array<std::string_view, kSearchColumns>& joined);
  [[nodiscard]] TextIndex finish();

 private:
  template <typename ForEachToken>
  void add(std::uint32_t row, ForEachToken&& for_each_token);

  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> ids_;
  std::vector<std::string> terms_;
  std::vector<std::vector<TextPosting>> lists_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> row_tokens_;  // (row, tokens)
  std::vector<std::pair<std::uint32_t, std::uint8_t>> scratch_;      // (term id, column) of one row
  bool in_order_ = true;
  std::uint32_t last_row_ = 0;
};

// ---------------------------------------------------------------------------
// Other shared rules

/// Sorts release versions by semver precedence; strings that are not semver
/// go last, by byte order.
void sort_release_versions(std::vector<std::string>& versions);

/// Checks a replace_plugins input: ids non-empty and unique, every package
/// and module name non-empty and in at most one plugin. kInvalidArgument
/// naming the offender otherwise.
[[nodiscard]] Result<void> validate_plugins(const std::vector<Plugin>& plugins);

/// Plugins sorted by id (pointers into `plugins`).
[[nodiscard]] std::vector<const Plugin*> sorted_by_id(const std::vector<Plugin>& plugins);

/// kInvalidArgument when a key (package name, plugin id, ...) is empty or
/// longer than 4 KiB.
[[nodiscard]] Result<void> check_key(std::string_view what, std::string_view key);

/// Checks a put_artifact input: name and version as keys, a non-empty
/// integrity, the config schema and entry point bounds. kInvalidArgument
/// naming the package and version otherwise.
[[nodiscard]] Result<void> validate_artifact(const ArtifactRecord& record);

/// Sorts records of one package by version as sort_release_versions sorts
/// versions.
void sort_artifacts_by_version(std::vector<ArtifactRecord>& records);

/// Lowercases ASCII letters.
[[nodiscard]] std::string ascii_lower(std::string_view text);

}  // namespace callboard::backend::detail
