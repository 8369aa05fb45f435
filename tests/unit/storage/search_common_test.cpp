// The shared search rules (src/backends/search_common.hpp).

#include <catch2/catch.hpp>

#include <cmath>

#include "backends/search_common.hpp"

using namespace callboard;
using namespace callboard::backend::detail;
using Tokens = std::vector<std::string>;

TEST_CASE("search tokenizer: ASCII words, lowercased, punctuation separates", "[storage][search]") {
  CHECK(tokenize("@roadiehq/backstage-plugin-argo-cd") == Tokens{"roadiehq", "backstage", "plugin", "argo", "cd"});
  CHECK(tokenize("Kubernetes v1.2.3 for K8s!") == Tokens{"kubernetes", "v1", "2", "3", "for", "k8s"});
  CHECK(tokenize("a_b \"c\" (d) e*f") == Tokens{"a", "b", "c", "d", "e", "f"});
  CHECK(tokenize("").empty());
  CHECK(tokenize(" \t\n--//..@@").empty());
}

TEST_CASE("search tokenizer: non-ASCII letters stay, punctuation and emoji separate", "[storage][search]") {
  CHECK(tokenize("Café naïve") == Tokens{"caf\xc3\xa9", "na\xc3\xafve"});
  CHECK(tokenize("日本語のプラグイン") == Tokens{"日本語のプラグイン"});
  CHECK(tokenize("plugin’s — great “quotes” 🚀rocket") == Tokens{"plugin", "s", "great", "quotes", "rocket"});
  CHECK(tokenize("a\xc2\xa0" "b") == Tokens{"a", "b"});  // no-break space
  // Invalid UTF-8 separates and never reaches a token.
  CHECK(tokenize("ab\xff" "cd\xc3") == Tokens{"ab", "cd"});
  CHECK(tokenize("\xed\xa0\x80x") == Tokens{"x"});  // an encoded surrogate
  CHECK(tokenize("\xc0\xaf" "y") == Tokens{"y"});   // an overlong '/'
}

TEST_CASE("search query terms: deduplicated, last is a prefix, bounded", "[storage][search]") {
  CHECK(query_terms("").empty());
  CHECK(query_terms("\"()*").empty());
  CHECK(query_terms("Argo CD") == std::vector<QueryTerm>{{"argo", false}, {"cd", true}});
  CHECK(query_terms("foo foo bar foo") == std::vector<QueryTerm>{{"foo", false}, {"bar", false}, {"foo", true}});
  std::string many;
  for (int i = 0; i < 100; ++i) many += "t" + std::to_string(i) + " ";
  auto terms = query_terms(many);
  REQUIRE(terms.size() == kMaxQueryTerms);
  CHECK(terms.back() == QueryTerm{"t99", true});
  CHECK(terms.front() == QueryTerm{"t0", false});
}

TEST_CASE("search query terms: the FTS5 expression quotes every term", "[storage][search]") {
  CHECK(fts5_match_expression(query_terms("foo AND (")) == "\"foo\" \"and\"*");
  CHECK(fts5_match_expression(query_terms("NEAR(a b)")) == "\"near\" \"a\" \"b\"*");
  CHECK(fts5_match_expression({{"we\"ird", true}}) == "\"we\"\"ird\"*");
}

TEST_CASE("search columns: names hold the id and package names", "[storage][search]") {
  Plugin p;
  p.id = "argo-cd";
  p.title = "Argo CD";
  p.description = "Deployments";
  p.keywords = {"gitops"};
  p.packages = {{"@roadiehq/backstage-plugin-argo-cd", PackageRole::kFrontendPlugin, "1.0.0"}};
  p.modules = {{"@x/argo-cd-module", PackageRole::kBackendPluginModule, "1.0.0"}};
  DirectoryEntry d;
  d.tags = {"cd", "Kubernetes"};
  p.directory = d;
  const auto c = plugin_search_tokens(p);
  CHECK(c[0] == Tokens{"argo", "cd", "roadiehq", "backstage", "plugin", "argo", "cd"});
  CHECK(c[1] == Tokens{"argo", "cd"});
  CHECK(c[2] == Tokens{"deployments"});
  CHECK(c[3] == Tokens{"gitops", "cd", "kubernetes"});
  CHECK(c[4] == Tokens{"x", "argo", "cd", "module"});
  CHECK(join_tokens(c[1]) == "argo cd");
}

TEST_CASE("bm25 follows FTS5's formula", "[storage][search]") {
  CHECK(bm25_idf(12, 6) == Approx(1e-6));   // clamped
  CHECK(bm25_idf(12, 2) == Approx(std::log(10.5 / 2.5)));
  // One phrase, frequency 14, row of 6 tokens, average 5 (checked against
  // sqlite3: bm25 gave -2.00260078023407e-06 for this row with IDF 1e-6).
  CHECK(bm25_score({1e-6}, {14.0}, 6.0, 5.0) == Approx(2.00260078023407e-06).epsilon(1e-12));
}

TEST_CASE("release versions sort by semver, invalid last", "[storage][search]") {
  std::vector<std::string> v{"not-a-version", "1.10.0", "1.9.0", "1.9.0-next.1", "0.1.0", "abc"};
  sort_release_versions(v);
  CHECK(v == std::vector<std::string>{"0.1.0", "1.9.0-next.1", "1.9.0", "1.10.0", "abc", "not-a-version"});
}

TEST_CASE("rank_and_facet: ties by score then id, NaN scores rank last", "[storage][search]") {
  SearchCorpusBuilder b;
  b.add_doc("a", 10, "X", PluginSystem::kNew, PluginSystem::kNotApplicable, false);
  b.add_doc("b", std::nan(""), "x", PluginSystem::kNew, PluginSystem::kNotApplicable, false);
  b.add_doc("c", 10, "", PluginSystem::kLegacy, PluginSystem::kNotApplicable, false);
  b.add_doc("d", 20, "Y", PluginSystem::kLegacy, PluginSystem::kNotApplicable, true);
  b.add_release(2, "1.53.0");
  b.add_release(0, "1.53.1");
  b.add_role(1, PackageRole::kBackendPlugin);
  const SearchCorpus corpus = b.finish();
  callboard::backend::SearchQuery q;
  auto page = rank_and_facet(corpus, q, nullptr);
  REQUIRE(page.hits.size() == 4);
  CHECK(page.hits[0].doc == 3);
  CHECK(page.hits[1].doc == 0);
  CHECK(page.hits[2].doc == 2);
  CHECK(page.hits[3].doc == 1);
  // Categories group case-insensitively under the first spelling.
  CHECK(page.facets[1].counts == std::vector<callboard::backend::FacetCount>{{"X", 2}, {"Y", 1}});

  std::vector<TextMatch> matches{{1, 0.5}, {2, 0.5}, {0, 0.25}};
  page = rank_and_facet(corpus, q, &matches);
  REQUIRE(page.hits.size() == 3);
  CHECK(page.hits[0].doc == 2);  // same relevance: score 10 beats NaN
  CHECK(page.hits[1].doc == 1);
  CHECK(page.hits[2].doc == 0);

  q.supports_release = " 1.53 ";
  page = rank_and_facet(corpus, q, nullptr);
  CHECK(page.total == 2);
}
