#include "backends/search_common.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>
#include <utility>

#include "callboard/semver.hpp"

namespace callboard::backend::detail {

namespace {

bool is_ascii_alnum(unsigned char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char ascii_lower_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Non-ASCII code points that separate words rather than spell them: Latin-1
// punctuation and symbols, general punctuation through arrows and dingbats,
// CJK punctuation, fullwidth ASCII punctuation, variation selectors, private
// use, emoji. Letters of every script (and combining marks) stay in tokens.
bool is_separator_code_point(char32_t cp) noexcept {
  if (cp < 0xC0) return true;
  if (cp == 0xD7 || cp == 0xF7) return true;
  if (cp >= 0x2000 && cp <= 0x2BFF) return true;
  if (cp >= 0x3000 && cp <= 0x303F) return true;
  if (cp >= 0xE000 && cp <= 0xF8FF) return true;
  if (cp >= 0xFE00 && cp <= 0xFE0F) return true;
  if (cp >= 0xFE30 && cp <= 0xFE4F) return true;
  if (cp == 0xFEFF) return true;
  if (cp >= 0xFF00 && cp <= 0xFF0F) return true;
  if (cp >= 0xFF1A && cp <= 0xFF20) return true;
  if (cp >= 0xFF3B && cp <= 0xFF40) return true;
  if (cp >= 0xFF5B && cp <= 0xFF65) return true;
  if (cp >= 0xFFF0 && cp <= 0xFFFF) return true;
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return true;
  if (cp >= 0xE0000) return true;
  return false;
}

// Length of the well-formed UTF-8 sequence starting at text[i] (2..4) and
// its code point; 0 when the bytes there are not well-formed UTF-8.
std::size_t utf8_sequence(std::string_view text, std::size_t i, char32_t& cp) noexcept {
  const auto b0 = static_cast<unsigned char>(text[i]);
  std::size_t len = 0;
  char32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1Fu;
    min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0Fu;
    min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07u;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0u) != 0x80u) return 0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

std::string_view role_name(unsigned bit) {
  return to_string(static_cast<PackageRole>(bit));
}

// Scores compare as numbers; a NaN (never produced by the scorer, but a host
// may store anything) ranks below every number instead of breaking the sort.
double rank_score(double score) noexcept {
  return std::isnan(score) ? -std::numeric_limits<double>::infinity() : score;
}

std::vector<FacetCount> sorted_counts(std::vector<FacetCount> counts) {
  std::sort(counts.begin(), counts.end(), [](const FacetCount& a, const FacetCount& b) {
    if (a.count != b.count) return a.count > b.count;
    return a.value < b.value;
  });
  return counts;
}

constexpr unsigned kRoleBits = 16;
constexpr unsigned kSystemCount = 4;

}  // namespace

void tokenize(std::string_view text, std::vector<std::string>& out) {
  std::string current;
  auto flush = [&] {
    if (!current.empty()) {
      out.push_back(std::move(current));
      current.clear();
    }
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (is_ascii_alnum(c)) {
        current.push_back(ascii_lower_char(static_cast<char>(c)));
      } else {
        flush();
      }
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t len = utf8_sequence(text, i, cp);
    if (len == 0) {
      flush();
      ++i;
      continue;
    }
    if (is_separator_code_point(cp)) {
      flush();
    } else {
      current.append(text.substr(i, len));
    }
    i += len;
  }
  flush();
}

std::vector<std::string> tokenize(std::string_view text) {
  std::vector<std::string> out;
  tokenize(text, out);
  return out;
}

SearchColumns plugin_search_tokens(const Plugin& plugin) {
  SearchColumns columns;
  tokenize(plugin.id, columns[0]);
  for (const auto& p : plugin.packages) tokenize(p.name, columns[0]);
  tokenize(plugin.title, columns[1]);
  tokenize(plugin.description, columns[2]);
  for (const auto& k : plugin.keywords) tokenize(k, columns[3]);
  if (plugin.directory) {
    for (const auto& t : plugin.directory->tags) tokenize(t, columns[3]);
  }
  for (const auto& m : plugin.modules) tokenize(m.name, columns[4]);
  return columns;
}

std::string join_tokens(const std::vector<std::string>& tokens) {
  std::string out;
  for (const auto& t : tokens) {
    if (!out.empty()) out.push_back(' ');
    out += t;
  }
  return out;
}

std::vector<QueryTerm> query_terms(std::string_view text) {
  std::vector<std::string> tokens = tokenize(text);
  std::vector<QueryTerm> terms;
  if (tokens.empty()) return terms;
  std::string last = std::move(tokens.back());
  tokens.pop_back();
  std::unordered_set<std::string> seen;
  for (auto& t : tokens) {
    if (terms.size() + 1 >= kMaxQueryTerms) break;
    if (seen.insert(t).second) terms.push_back({std::move(t), false});
  }
  terms.push_back({std::move(last), true});
  return terms;
}

std::string fts5_match_expression(const std::vector<QueryTerm>& terms) {
  std::string out;
  for (const auto& t : terms) {
    if (!out.empty()) out.push_back(' ');
    out.push_back('"');
    // Tokens never hold '"'; doubling keeps the expression well-formed even
    // if that ever changes.
    for (char c : t.text) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
    if (t.prefix) out.push_back('*');
  }
  return out;
}

// ---------------------------------------------------------------------------

std::uint32_t SearchCorpusBuilder::add_doc(std::string id, double score, std::string_view category,
                                           PluginSystem backend_system, PluginSystem frontend_system,
                                           bool deprecated) {
  SearchCorpus::Doc doc;
  doc.id = std::move(id);
  doc.score = rank_score(score);
  if (!category.empty()) {
    auto key = ascii_lower(category);
    auto [it, inserted] =
        corpus_.category_by_key.try_emplace(std::move(key), static_cast<std::uint32_t>(corpus_.category_values.size()));
    if (inserted) corpus_.category_values.emplace_back(category);
    doc.category = it->second;
  }
  doc.backend_system = backend_system;
  doc.frontend_system = frontend_system;
  doc.deprecated = deprecated;
  corpus_.docs.push_back(std::move(doc));
  return static_cast<std::uint32_t>(corpus_.docs.size() - 1);
}

void SearchCorpusBuilder::add_role(std::uint32_t row, PackageRole role) {
  const auto bit = static_cast<unsigned>(role);
  if (row < corpus_.docs.size() && bit < kRoleBits) corpus_.docs[row].roles |= (1u << bit);
}

void SearchCorpusBuilder::add_release(std::uint32_t row, std::string_view release) {
  if (row >= corpus_.docs.size()) return;
  auto [it, inserted] =
      release_ids_.try_emplace(std::string(release), static_cast<std::uint32_t>(corpus_.release_values.size()));
  if (inserted) corpus_.release_values.emplace_back(release);
  releases_.emplace_back(row, it->second);
}

void SearchCorpusBuilder::add_plugin(const Plugin& plugin) {
  const auto row = add_doc(plugin.id, plugin.score.total, plugin.category, plugin.backend_system,
                           plugin.frontend_system, plugin.deprecated);
  for (const auto& p : plugin.packages) add_role(row, p.role);
  for (const auto& m : plugin.modules) add_role(row, m.role);
  for (const auto& r : plugin.supported_releases) add_release(row, r);
}

SearchCorpus SearchCorpusBuilder::finish() {
  auto by_row = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (!std::is_sorted(releases_.begin(), releases_.end(), by_row)) {
    std::stable_sort(releases_.begin(), releases_.end(), by_row);
  }
  corpus_.release_refs.clear();
  corpus_.release_refs.reserve(releases_.size());
  std::size_t k = 0;
  for (std::uint32_t row = 0; row < corpus_.docs.size(); ++row) {
    auto& doc = corpus_.docs[row];
    doc.releases_begin = static_cast<std::uint32_t>(corpus_.release_refs.size());
    for (; k < releases_.size() && releases_[k].first == row; ++k) corpus_.release_refs.push_back(releases_[k].second);
    doc.releases_end = static_cast<std::uint32_t>(corpus_.release_refs.size());
  }
  release_ids_.clear();
  releases_.clear();
  return std::move(corpus_);
}

// ---------------------------------------------------------------------------

RankedPage rank_and_facet(const SearchCorpus& corpus, const SearchQuery& query,
                          const std::vector<TextMatch>* matches) {
  // Resolve the filters against the corpus's interned values once.
  std::uint32_t role_mask = 0;
  for (auto role : query.roles) {
    const auto bit = static_cast<unsigned>(role);
    if (bit < kRoleBits) role_mask |= (1u << bit);
  }
  const bool role_filter = !query.roles.empty();

  const bool category_filter = !query.categories.empty();
  std::vector<char> category_ok(corpus.category_values.size(), 0);
  for (const auto& c : query.categories) {
    auto it = corpus.category_by_key.find(ascii_lower(c));
    if (it != corpus.category_by_key.end()) category_ok[it->second] = 1;
  }

  std::string release = query.supports_release;
  while (!release.empty() && (release.back() == ' ' || release.back() == '\t')) release.pop_back();
  while (!release.empty() && (release.front() == ' ' || release.front() == '\t')) release.erase(0, 1);
  const bool release_filter = !release.empty();
  std::vector<char> release_ok(corpus.release_values.size(), 0);
  if (release_filter) {
    // "1.53" (or "1") names every release of that line; "1.53.0" one release.
    const auto dots = std::count(release.begin(), release.end(), '.');
    const std::string prefix = release + ".";
    for (std::size_t i = 0; i < corpus.release_values.size(); ++i) {
      const auto& v = corpus.release_values[i];
      release_ok[i] = dots >= 2 ? static_cast<char>(v == release) : static_cast<char>(v.starts_with(prefix));
    }
  }

  std::array<std::size_t, kRoleBits> role_counts{};
  std::vector<std::size_t> category_counts(corpus.category_values.size(), 0);
  std::array<std::size_t, kSystemCount> backend_counts{};
  std::array<std::size_t, kSystemCount> frontend_counts{};
  std::vector<TextMatch> results;

  auto visit = [&](std::uint32_t index, double relevance) {
    const auto& doc = corpus.docs[index];
    if (doc.deprecated && !query.include_deprecated) return;
    if (release_filter) {
      bool any = false;
      for (auto k = doc.releases_begin; k < doc.releases_end && !any; ++k) any = release_ok[corpus.release_refs[k]] != 0;
      if (!any) return;
    }
    const bool r = !role_filter || (doc.roles & role_mask) != 0;
    const bool c = !category_filter || (doc.category != kNoCategory && category_ok[doc.category] != 0);
    const bool b = !query.backend_system || doc.backend_system == *query.backend_system;
    const bool f = !query.frontend_system || doc.frontend_system == *query.frontend_system;
    if (r && c && b && f) results.push_back({index, relevance});
    if (c && b && f) {
      for (unsigned bit = 0; bit < kRoleBits; ++bit) {
        if ((doc.roles & (1u << bit)) != 0) ++role_counts[bit];
      }
    }
    if (r && b && f && doc.category != kNoCategory) ++category_counts[doc.category];
    const auto be = static_cast<unsigned>(doc.backend_system);
    const auto fe = static_cast<unsigned>(doc.frontend_system);
    if (r && c && f && be < kSystemCount) ++backend_counts[be];
    if (r && c && b && fe < kSystemCount) ++frontend_counts[fe];
  };

  if (matches != nullptr) {
    for (const auto& m : *matches) {
      if (m.doc < corpus.docs.size()) visit(m.doc, m.relevance);
    }
  } else {
    for (std::size_t i = 0; i < corpus.docs.size(); ++i) visit(static_cast<std::uint32_t>(i), 0.0);
  }

  RankedPage page;
  page.total = results.size();
  auto before = [&corpus](const TextMatch& a, const TextMatch& b) {
    if (a.relevance != b.relevance) return a.relevance > b.relevance;
    const double sa = corpus.docs[a.doc].score;
    const double sb = corpus.docs[b.doc].score;
    if (sa != sb) return sa > sb;
    return a.doc < b.doc;  // rows are in id order
  };
  const std::size_t begin = std::min(query.offset, results.size());
  const std::size_t end = begin + std::min(query.limit, results.size() - begin);
  if (end > begin) {
    std::partial_sort(results.begin(), results.begin() + static_cast<std::ptrdiff_t>(end), results.end(), before);
    page.hits.assign(results.begin() + static_cast<std::ptrdiff_t>(begin),
                     results.begin() + static_cast<std::ptrdiff_t>(end));
  }

  Facet role_facet{"role", {}};
  for (unsigned bit = 0; bit < kRoleBits; ++bit) {
    if (role_counts[bit] != 0) role_facet.counts.push_back({std::string(role_name(bit)), role_counts[bit]});
  }
  Facet category_facet{"category", {}};
  for (std::size_t i = 0; i < category_counts.size(); ++i) {
    if (category_counts[i] != 0) category_facet.counts.push_back({corpus.category_values[i], category_counts[i]});
  }
  Facet backend_facet{"backend_system", {}};
  Facet frontend_facet{"frontend_system", {}};
  for (unsigned s = 0; s < kSystemCount; ++s) {
    const auto name = std::string(to_string(static_cast<PluginSystem>(s)));
    if (backend_counts[s] != 0) backend_facet.counts.push_back({name, backend_counts[s]});
    if (frontend_counts[s] != 0) frontend_facet.counts.push_back({name, frontend_counts[s]});
  }
  role_facet.counts = sorted_counts(std::move(role_facet.counts));
  category_facet.counts = sorted_counts(std::move(category_facet.counts));
  backend_facet.counts = sorted_counts(std::move(backend_facet.counts));
  frontend_facet.counts = sorted_counts(std::move(frontend_facet.counts));
  page.facets = {std::move(role_facet), std::move(category_facet), std::move(backend_facet),
                 std::move(frontend_facet)};
  return page;
}

double bm25_idf(double rows, double hits) noexcept {
  // As fts5_aux.c: a term in more than half of the rows would get a negative
  // IDF; FTS5 clamps it to a small positive value.
  double idf = std::log((rows - hits + 0.5) / (hits + 0.5));
  if (idf <= 0.0) idf = 1e-6;
  return idf;
}

double bm25_score(const std::vector<double>& idf, const std::vector<double>& freq, double row_tokens,
                  double avg_tokens) noexcept {
  // The same expression, in the same order, as fts5Bm25Function.
  double score = 0.0;
  for (std::size_t i = 0; i < idf.size() && i < freq.size(); ++i) {
    score += idf[i] * ((freq[i] * (kBm25K1 + 1.0)) /
                       (freq[i] + kBm25K1 * (1 - kBm25B + kBm25B * row_tokens / avg_tokens)));
  }
  // FTS5 returns -score (lower is better); negation is exact, so callers
  // comparing with -bm25() from SQLite see the same number.
  return score;
}

// ---------------------------------------------------------------------------
// TextIndex

namespace {

double weighted_frequency(const std::array<std::uint32_t, kSearchColumns>& tf) {
  // fts5Bm25Function adds the column weight once per instance, instances in
  // column order; repeat that so the sums are bit-identical.
  double freq = 0;
  for (std::size_t c = 0; c < kSearchColumns; ++c) {
    for (std::uint32_t k = 0; k < tf[c]; ++k) freq += kSearchColumnWeights[c];
  }
  return freq;
}

}  // namespace

template <typename ForEachToken>
void TextIndexBuilder::add(std::uint32_t row, ForEachToken&& for_each_token) {
  if (!row_tokens_.empty() && row <= last_row_) in_order_ = false;
  last_row_ = row;
  scratch_.clear();
  for_each_token([&](std::string_view token, std::uint8_t column) {
    auto it = ids_.find(token);
    if (it == ids_.end()) {
      it = ids_.emplace(std::string(token), static_cast<std::uint32_t>(terms_.size())).first;
      terms_.emplace_back(token);
      lists_.emplace_back();
    }
    scratch_.emplace_back(it->second, column);
  });
  row_tokens_.emplace_back(row, static_cast<std::uint32_t>(scratch_.size()));
  std::sort(scratch_.begin(), scratch_.end());
  for (std::size_t i = 0; i < scratch_.size();) {
    TextPosting posting;
    posting.row = row;
    const auto term = scratch_[i].first;
    for (; i < scratch_.size() && scratch_[i].first == term; ++i) {
      auto& tf = posting.tf[scratch_[i].second];
      if (tf != UINT16_MAX) ++tf;
    }
    lists_[term].push_back(posting);
  }
}

void TextIndexBuilder::add_row(std::uint32_t row, const SearchColumns& columns) {
  add(row, [&](auto&& emit) {
    for (std::size_t c = 0; c < kSearchColumns; ++c) {
      for (const auto& t : columns[c]) emit(t, static_cast<std::uint8_t>(c));
    }
  });
}

void TextIndexBuilder::add_row(std::uint32_t row, const std::array<std::string_view, kSearchColumns>& joined) {
  add(row, [&](auto&& emit) {
    for (std::size_t c = 0; c < kSearchColumns; ++c) {
      std::string_view text = joined[c];
      while (!text.empty()) {
        const auto space = text.find(' ');
        const auto token = text.substr(0, space);
        if (!token.empty()) emit(token, static_cast<std::uint8_t>(c));
        if (space == std::string_view::npos) break;
        text.remove_prefix(space + 1);
      }
    }
  });
}

TextIndex TextIndexBuilder::finish() {
  TextIndex index;
  std::vector<std::uint32_t> order(terms_.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return terms_[a] < terms_[b]; });
  std::size_t total = 0;
  for (const auto& list : lists_) total += list.size();
  index.terms_.reserve(order.size());
  index.offsets_.reserve(order.size() + 1);
  index.postings_.reserve(total);
  for (auto id : order) {
    index.offsets_.push_back(static_cast<std::uint32_t>(index.postings_.size()));
    auto& list = lists_[id];
    if (!in_order_) {
      std::sort(list.begin(), list.end(), [](const TextPosting& a, const TextPosting& b) { return a.row < b.row; });
    }
    index.postings_.insert(index.postings_.end(), list.begin(), list.end());
    index.terms_.push_back(std::move(terms_[id]));
  }
  index.offsets_.push_back(static_cast<std::uint32_t>(index.postings_.size()));
  std::uint32_t rows = 0;
  for (const auto& [row, tokens] : row_tokens_) rows = std::max(rows, row + 1);
  index.row_tokens_.assign(rows, 0);
  for (const auto& [row, tokens] : row_tokens_) {
    index.row_tokens_[row] = tokens;
    index.total_tokens_ += tokens;
  }
  ids_.clear();
  terms_.clear();
  lists_.clear();
  row_tokens_.clear();
  return index;
}

std::size_t TextIndex::memory_bytes() const noexcept {
  std::size_t bytes = postings_.capacity() * sizeof(TextPosting) + offsets_.capacity() * sizeof(std::uint32_t) +
                      row_tokens_.capacity() * sizeof(std::uint32_t);
  for (const auto& t : terms_) bytes += sizeof(std::string) + t.capacity();
  return bytes;
}

TextIndex::PhraseRows TextIndex::phrase_rows(const QueryTerm& term) const {
  PhraseRows out;
  auto first = std::lower_bound(terms_.begin(), terms_.end(), term.text);
  auto to_counts = [](const TextPosting& p) {
    std::array<std::uint32_t, kSearchColumns> tf{};
    for (std::size_t c = 0; c < kSearchColumns; ++c) tf[c] = p.tf[c];
    return tf;
  };
  if (!term.prefix) {
    if (first == terms_.end() || *first != term.text) return out;
    const auto id = static_cast<std::size_t>(first - terms_.begin());
    out.reserve(offsets_[id + 1] - offsets_[id]);
    for (auto k = offsets_[id]; k < offsets_[id + 1]; ++k) {
      out.emplace_back(postings_[k].row, weighted_frequency(to_counts(postings_[k])));
    }
    return out;
  }
  // Prefix: the column counts of every matching term, per row. FTS5 sums
  // the instances of all of them.
  auto last = first;
  while (last != terms_.end() && std::string_view(*last).starts_with(term.text)) ++last;
  if (first == last) return out;
  const auto lo = offsets_[static_cast<std::size_t>(first - terms_.begin())];
  const auto hi = offsets_[static_cast<std::size_t>(last - terms_.begin())];
  if (last - first == 1) {
    for (auto k = lo; k < hi; ++k) out.emplace_back(postings_[k].row, weighted_frequency(to_counts(postings_[k])));
    return out;
  }
  std::vector<std::array<std::uint32_t, kSearchColumns>> counts(row_tokens_.size());
  std::vector<char> seen(row_tokens_.size(), 0);
  std::size_t touched = 0;
  for (auto k = lo; k < hi; ++k) {
    const auto& p = postings_[k];
    if (p.row >= counts.size()) continue;
    if (seen[p.row] == 0) {
      seen[p.row] = 1;
      ++touched;
    }
    for (std::size_t c = 0; c < kSearchColumns; ++c) counts[p.row][c] += p.tf[c];
  }
  out.reserve(touched);
  for (std::uint32_t row = 0; row < counts.size(); ++row) {
    if (seen[row] != 0) out.emplace_back(row, weighted_frequency(counts[row]));
  }
  return out;
}

std::vector<TextMatch> TextIndex::match(const std::vector<QueryTerm>& terms) const {
  std::vector<TextMatch> out;
  if (terms.empty() || row_tokens_.empty()) return out;
  const auto rows = static_cast<double>(row_tokens_.size());
  const double avg_tokens = static_cast<double>(total_tokens_) / rows;

  std::vector<PhraseRows> phrases;
  std::vector<double> idf;
  phrases.reserve(terms.size());
  for (const auto& t : terms) {
    phrases.push_back(phrase_rows(t));
    if (phrases.back().empty()) return out;  // AND: nothing can match
    idf.push_back(bm25_idf(rows, static_cast<double>(phrases.back().size())));
  }
  std::size_t smallest = 0;
  for (std::size_t i = 1; i < phrases.size(); ++i) {
    if (phrases[i].size() < phrases[smallest].size()) smallest = i;
  }
  std::vector<double> freq(phrases.size());
  std::vector<std::size_t> cursor(phrases.size(), 0);
  out.reserve(phrases[smallest].size());
  for (const auto& [row, f] : phrases[smallest]) {
    bool all = true;
    for (std::size_t i = 0; i < phrases.size() && all; ++i) {
      if (i == smallest) {
        freq[i] = f;
        continue;
      }
      // Rows ascend in every list: gallop forward from the last position.
      const auto& list = phrases[i];
      auto it = std::lower_bound(list.begin() + static_cast<std::ptrdiff_t>(cursor[i]), list.end(), row,
                                 [](const std::pair<std::uint32_t, double>& e, std::uint32_t r) { return e.first < r; });
      cursor[i] = static_cast<std::size_t>(it - list.begin());
      if (it == list.end() || it->first != row) {
        all = false;
      } else {
        freq[i] = it->second;
      }
    }
    if (!all) continue;
    out.push_back({row, bm25_score(idf, freq, static_cast<double>(row_tokens_[row]), avg_tokens)});
  }
  return out;
}

// ---------------------------------------------------------------------------

void sort_release_versions(std::vector<std::string>& versions) {
  struct Key {
    std::optional<semver::Version> parsed;
    std::string text;
  };
  std::vector<Key> keys;
  keys.reserve(versions.size());
  for (auto& v : versions) {
    auto parsed = semver::Version::parse(v);
    Key k;
    if (parsed) k.parsed = std::move(parsed).value();
    k.text = std::move(v);
    keys.push_back(std::move(k));
  }
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    if (a.parsed.has_value() != b.parsed.has_value()) return a.parsed.has_value();
    if (a.parsed) {
      const auto order = *a.parsed <=> *b.parsed;
      if (order != 0) return order < 0;
    }
    return a.text < b.text;
  });
  versions.clear();
  for (auto& k : keys) versions.push_back(std::move(k.text));
}

Result<void> check_key(std::string_view what, std::string_view key) {
  if (key.empty()) return make_error(ErrorCode::kInvalidArgument, std::string(what) + " must not be empty");
  if (key.size() > 4096) {
    return make_error(ErrorCode::kInvalidArgument, std::string(what) + " is longer than 4096 bytes")
        .with("size", std::to_string(key.size()));
  }
  return ok_result();
}

Result<void> validate_artifact(const ArtifactRecord& record) {
  auto fail = [&](Error e) {
    return std::move(e.with("package", record.name.substr(0, 200)).with("version", record.version.substr(0, 200)));
  };
  if (auto r = check_key("artifact name", record.name); !r) return fail(std::move(r).error());
  if (auto r = check_key("artifact version", record.version); !r) return fail(std::move(r).error());
  if (record.integrity.empty()) {
    return fail(make_error(ErrorCode::kInvalidArgument, "an artifact record needs the integrity it was verified with"));
  }
  if (record.config_schema && record.config_schema->size() > kMaxArtifactConfigSchemaBytes) {
    return fail(make_error(ErrorCode::kInvalidArgument, "the configuration schema is longer than " +
                                                            std::to_string(kMaxArtifactConfigSchemaBytes) + " bytes")
                    .with("size", std::to_string(record.config_schema->size())));
  }
  if (record.entry_points.size() > kMaxArtifactEntryPoints) {
    return fail(make_error(ErrorCode::kInvalidArgument,
                           "more than " + std::to_string(kMaxArtifactEntryPoints) + " entry points")
                    .with("size", std::to_string(record.entry_points.size())));
  }
  return ok_result();
}

void sort_artifacts_by_version(std::vector<ArtifactRecord>& records) {
  std::vector<std::optional<semver::Version>> parsed;
  parsed.reserve(records.size());
  std::vector<std::size_t> order(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    order[i] = i;
    auto v = semver::Version::parse(records[i].version);
    parsed.push_back(v ? std::optional<semver::Version>(std::move(v).value()) : std::nullopt);
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (parsed[a].has_value() != parsed[b].has_value()) return parsed[a].has_value();
    if (parsed[a]) {
      const auto c = *parsed[a] <=> *parsed[b];
      if (c != 0) return c < 0;
    }
    return records[a].version < records[b].version;
  });
  std::vector<ArtifactRecord> sorted;
  sorted.reserve(records.size());
  for (std::size_t i : order) sorted.push_back(std::move(records[i]));
  records = std::move(sorted);
}

Result<void> validate_plugins(const std::vector<Plugin>& plugins) {
  std::unordered_set<std::string_view> ids;
  std::unordered_map<std::string_view, std::string_view> owner;
  for (const auto& p : plugins) {
    if (auto r = check_key("plugin id", p.id); !r) return r;
    if (!ids.insert(p.id).second) {
      return make_error(ErrorCode::kInvalidArgument, "two plugins have the same id").with("plugin", p.id);
    }
    auto claim = [&](const PluginPackage& pkg) -> Result<void> {
      if (auto r = check_key("package name", pkg.name); !r) return std::move(r).error().with("plugin", p.id);
      auto [it, inserted] = owner.try_emplace(pkg.name, p.id);
      if (!inserted) {
        return make_error(ErrorCode::kInvalidArgument,
                          "a package belongs to more than one plugin (as package or module)")
            .with("package", pkg.name)
            .with("plugin", std::string(it->second))
            .with("other_plugin", p.id);
      }
      return ok_result();
    };
    for (const auto& pkg : p.packages) {
      if (auto r = claim(pkg); !r) return r;
    }
    for (const auto& pkg : p.modules) {
      if (auto r = claim(pkg); !r) return r;
    }
  }
  return ok_result();
}

std::vector<const Plugin*> sorted_by_id(const std::vector<Plugin>& plugins) {
  std::vector<const Plugin*> out;
  out.reserve(plugins.size());
  for (const auto& p : plugins) out.push_back(&p);
  std::sort(out.begin(), out.end(), [](const Plugin* a, const Plugin* b) { return a->id < b->id; });
  return out;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = ascii_lower_char(c);
  return out;
}

}  // namespace callboard::backend::detail
