// Search latency at catalogue scale: 100,000 synthetic plugins (words drawn
// from the real plugin directory's text, realistic roles, categories,
// systems and supported releases), stored in a SQLite file and in memory,
// queried with a mix of query kinds. Each benchmark runs a fixed list of
// queries of one kind once each (one query per iteration) and reports the
// latency percentiles over them as counters (p50_ms, p95_ms, p99_ms) plus
// the mean number of matches; a summary table is printed at the end.
//
//   search_bench [--plugins=N] [--queries=N] [--db-dir=DIR] [benchmark flags...]
//
// Defaults: 100000 plugins, 1000 queries per kind, the database in a fresh
// directory under $TMPDIR (removed at exit). Generation is deterministic
// (fixed seed, own PRNG), so runs on different machines search the same data.

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "callboard/backend/storage.hpp"
#include "callboard/model.hpp"

namespace {

namespace fs = std::filesystem;
using namespace callboard;
using namespace callboard::backend;
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------
// Options

std::size_t g_plugins = 100000;
std::size_t g_queries = 1000;
std::string g_db_dir;

// ---------------------------------------------------------------------------
// Deterministic generation

struct Rng {
  std::uint64_t state;
  std::uint64_t next() {  // splitmix64
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double unit() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  bool chance(double p) { return unit() < p; }
};

const std::set<std::string>& stopwords() {
  static const std::set<std::string> words = {
      "the", "and", "for", "with", "your", "you", "from", "that", "this", "are", "into", "its", "can", "all",
      "any", "via", "use", "using", "also", "has", "have", "not", "but", "our", "their", "them", "they", "was",
      "will", "more", "other", "such", "than", "then", "these", "those", "which", "while", "who", "how", "what",
      "when", "where", "why", "one", "two", "allows", "provides", "http", "https", "www", "com", "github",
      "title", "author", "authorurl", "category", "description", "documentation", "iconurl", "npmpackagename",
      "addeddate", "order", "status", "tags", "snapshot", "version", "latestversion", "backstagerole",
      "lastpublished", "dependencynames", "packages", "png", "svg", "main", "blob", "tree", "master"};
  return words;
}

// Words of the real plugin directory, most frequent first (a fixed list
// when the directory is not there).
std::vector<std::string> vocabulary() {
  std::map<std::string, std::size_t> freq;
  const fs::path dir = fs::path(CALLBOARD_DATA_DIR) / "plugin-directory";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".yaml") continue;
    std::ifstream in(entry.path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string word;
    auto flush = [&] {
      if (word.size() >= 3 && word.size() <= 14 && stopwords().count(word) == 0) ++freq[word];
      word.clear();
    };
    for (char c : text) {
      if (c >= 'A' && c <= 'Z') {
        word.push_back(static_cast<char>(c - 'A' + 'a'));
      } else if (c >= 'a' && c <= 'z') {
        word.push_back(c);
      } else {
        flush();
      }
    }
    flush();
  }
  std::vector<std::pair<std::size_t, std::string>> ranked;
  for (auto& [w, n] : freq) ranked.emplace_back(n, w);
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<std::string> out;
  for (auto& [n, w] : ranked) out.push_back(w);
  if (out.size() < 200) {
    out = {"kubernetes", "catalog", "deploy", "pipeline", "monitoring", "alerts", "cost", "cloud", "security",
           "scanner", "quality", "docs", "search", "graph", "dashboard", "metrics", "incident", "oncall",
           "service", "entity", "template", "scaffolder", "github", "gitlab", "azure", "aws", "gcp", "jenkins",
           "argo", "flux", "helm", "terraform", "vault", "sonar", "lint", "test", "coverage", "release", "build",
           "artifact", "registry", "container", "cluster", "node", "pod", "namespace", "team", "owner", "group",
           "user", "auth", "permission", "policy", "audit", "log", "trace", "span", "latency", "error", "budget"};
    for (int i = 0; i < 400; ++i) out.push_back("word" + std::to_string(i));
  }
  return out;
}

// Skewed choice: low indexes (frequent words) are drawn more often.
const std::string& pick(Rng& rng, const std::vector<std::string>& words) {
  const double u = rng.unit();
  return words[std::min(words.size() - 1, static_cast<std::size_t>(u * u * static_cast<double>(words.size())))];
}

std::string capitalized(std::string w) {
  if (!w.empty() && w[0] >= 'a' && w[0] <= 'z') w[0] = static_cast<char>(w[0] - 'a' + 'A');
  return w;
}

const std::vector<std::string>& categories() {
  static const std::vector<std::string> c = {"Infrastructure", "CI/CD", "Monitoring", "Discovery", "Security",
                                             "Quality", "Deployment", "Cost", "Documentation", "Productivity",
                                             "Catalog", "Scaffolder", "Observability", "Collaboration", "Other"};
  return c;
}

// Release lines 1.20 .. 1.45 with a few patches each, in order.
const std::vector<std::string>& releases() {
  static const std::vector<std::string> r = [] {
    std::vector<std::string> out;
    for (int minor = 20; minor <= 45; ++minor) {
      for (int patch = 0; patch <= minor % 3; ++patch) out.push_back("1." + std::to_string(minor) + "." + std::to_string(patch));
    }
    return out;
  }();
  return r;
}

std::vector<Plugin> generate_plugins(std::size_t count, const std::vector<std::string>& words) {
  Rng rng{20241122};
  std::vector<Plugin> out;
  out.reserve(count);
  const auto& cats = categories();
  const auto& rel = releases();
  const char* scopes[] = {"@backstage", "@backstage-community", "@roadiehq", "@spotify", "@janus-idp", "@internal"};
  for (std::size_t i = 0; i < count; ++i) {
    Plugin p;
    const std::string& a = pick(rng, words);
    const std::string& b = pick(rng, words);
    p.id = a + "-" + b + "-" + std::to_string(i);
    p.declared_id = rng.chance(0.7);
    p.title = capitalized(a) + " " + capitalized(b);
    const std::size_t desc_words = 8 + rng.below(18);
    for (std::size_t k = 0; k < desc_words; ++k) {
      if (k != 0) p.description += ' ';
      p.description += pick(rng, words);
    }
    p.description += '.';
    const std::size_t keywords = 1 + rng.below(5);
    p.keywords.push_back("backstage");
    for (std::size_t k = 0; k < keywords; ++k) p.keywords.push_back(pick(rng, words));
    // Skewed categories: the first ones are the common ones.
    const double cu = rng.unit();
    p.category = rng.chance(0.1) ? std::string() : cats[static_cast<std::size_t>(cu * cu * static_cast<double>(cats.size()))];
    const std::string scope = scopes[rng.below(6)];
    const std::string base = scope + "/plugin-" + p.id;
    p.packages.push_back({base, PackageRole::kFrontendPlugin, "1.0.0"});
    const bool backend = rng.chance(0.5);
    if (backend) p.packages.push_back({base + "-backend", PackageRole::kBackendPlugin, "1.0.0"});
    if (rng.chance(0.2)) p.packages.push_back({base + "-common", PackageRole::kCommonLibrary, "1.0.0"});
    if (rng.chance(0.1)) p.packages.push_back({base + "-node", PackageRole::kNodeLibrary, "1.0.0"});
    if (rng.chance(0.1)) p.packages.push_back({base + "-react", PackageRole::kWebLibrary, "1.0.0"});
    std::sort(p.packages.begin(), p.packages.end(), [](const auto& x, const auto& y) { return x.name < y.name; });
    if (rng.chance(0.1)) {
      const std::size_t modules = 1 + rng.below(2);
      for (std::size_t k = 0; k < modules; ++k) {
        p.modules.push_back({base + "-backend-module-" + pick(rng, words) + std::to_string(k),
                             PackageRole::kBackendPluginModule, "1.0.0"});
      }
    }
    const PluginSystem systems[] = {PluginSystem::kLegacy, PluginSystem::kNew, PluginSystem::kTransitional};
    p.frontend_system = systems[rng.below(3)];
    p.backend_system = backend ? systems[rng.below(3)] : PluginSystem::kNotApplicable;
    // A contiguous run of supported releases (none for 15%).
    if (!rng.chance(0.15)) {
      const std::size_t first = rng.below(rel.size());
      const std::size_t span = 1 + rng.below(20);
      for (std::size_t k = first; k < rel.size() && k < first + span; ++k) p.supported_releases.push_back(rel[k]);
    }
    p.deprecated = rng.chance(0.05);
    p.score.total = std::round(rng.unit() * 10000.0) / 100.0;
    p.score.factors = {{"recency", "Release recency", rng.unit(), 0.5, "last release 12 days ago"},
                       {"metadata", "Metadata", rng.unit(), 0.5, "has repository, license"}};
    p.last_published = Timestamp{std::chrono::milliseconds{1700000000000 + static_cast<std::int64_t>(rng.below(30000000000ull))}};
    out.push_back(std::move(p));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Queries

enum class Kind { kOneWord, kTwoWords, kPrefix, kTextFacets, kFacetsOnly, kBrowseAll, kDeepPage };
constexpr Kind kKinds[] = {Kind::kOneWord,    Kind::kTwoWords,  Kind::kPrefix,  Kind::kTextFacets,
                           Kind::kFacetsOnly, Kind::kBrowseAll, Kind::kDeepPage};

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::kOneWord: return "one_word";
    case Kind::kTwoWords: return "two_words";
    case Kind::kPrefix: return "prefix";
    case Kind::kTextFacets: return "text_facets";
    case Kind::kFacetsOnly: return "facets_only";
    case Kind::kBrowseAll: return "browse_all";
    case Kind::kDeepPage: return "deep_page";
  }
  return "?";
}

std::vector<SearchQuery> make_queries(Kind kind, std::size_t count, const std::vector<std::string>& words,
                                      const std::vector<Plugin>& plugins) {
  Rng rng{static_cast<std::uint64_t>(kind) * 7919 + 17};
  std::vector<SearchQuery> out;
  const PackageRole roles[] = {PackageRole::kBackendPlugin, PackageRole::kFrontendPlugin,
                               PackageRole::kBackendPluginModule, PackageRole::kCommonLibrary};
  for (std::size_t i = 0; i < count; ++i) {
    SearchQuery q;
    q.limit = 20;
    switch (kind) {
      case Kind::kOneWord:
        q.text = pick(rng, words);
        break;
      case Kind::kTwoWords: {
        // Two words of one plugin's description, so that most queries match.
        const Plugin& p = plugins[rng.below(plugins.size())];
        std::vector<std::string> desc;
        std::istringstream in(p.description);
        for (std::string w; in >> w;) desc.push_back(w);
        q.text = desc[rng.below(desc.size())] + " " + desc[rng.below(desc.size())];
        if (!q.text.empty() && q.text.back() == '.') q.text.pop_back();
        break;
      }
      case Kind::kPrefix: {
        const std::string& w = pick(rng, words);
        q.text = w.substr(0, std::min<std::size_t>(w.size(), 2 + rng.below(3)));
        break;
      }
      case Kind::kTextFacets:
        q.text = pick(rng, words);
        q.roles = {roles[rng.below(2)]};
        q.categories = {categories()[rng.below(5)]};
        q.supports_release = "1." + std::to_string(30 + rng.below(16));
        break;
      case Kind::kFacetsOnly:
        q.roles = {roles[rng.below(4)]};
        if (rng.chance(0.7)) q.categories = {categories()[rng.below(categories().size())]};
        if (rng.chance(0.5)) q.backend_system = PluginSystem::kNew;
        if (rng.chance(0.5)) q.supports_release = "1." + std::to_string(20 + rng.below(26));
        q.include_deprecated = false;
        break;
      case Kind::kBrowseAll:
        q.offset = 20 * rng.below(5);
        break;
      case Kind::kDeepPage:
        if (rng.chance(0.5)) q.text = pick(rng, words);
        q.offset = 2000 + 20 * rng.below(200);
        break;
    }
    out.push_back(std::move(q));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Fixture

struct Timing {
  std::string backend;
  std::string kind;
  double p50 = 0, p95 = 0, p99 = 0, max = 0, mean_total = 0;
  std::size_t queries = 0;
};

struct World {
  fs::path dir;
  bool own_dir = false;
  std::vector<std::string> words;
  std::vector<Plugin> plugins;
  std::unique_ptr<Storage> sqlite;
  std::unique_ptr<Storage> memory;
  std::map<Kind, std::vector<SearchQuery>> queries;
  std::vector<Timing> timings;
  std::vector<std::string> setup_notes;

  ~World() {
    sqlite.reset();
    memory.reset();
    if (own_dir) {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  }
};

World& world() {
  static World w;
  return w;
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

[[noreturn]] void die(const std::string& what, const Error& e) {
  std::fprintf(stderr, "search_bench: %s: %s\n", what.c_str(), e.to_string().c_str());
  std::exit(1);
}

void store(Storage& s, const std::vector<Plugin>& plugins, const std::string& name) {
  auto& w = world();
  const auto t0 = Clock::now();
  auto txn = s.begin();
  if (!txn) die("begin", txn.error());
  if (auto r = (*txn)->replace_plugins(plugins); !r) die("replace_plugins", r.error());
  if (auto r = (*txn)->commit(); !r) die("commit", r.error());
  char line[200];
  std::snprintf(line, sizeof line, "%s: replace_plugins(%zu) + commit: %.2f s", name.c_str(), plugins.size(),
                seconds_since(t0));
  w.setup_notes.push_back(line);
  // The first query loads per-connection caches (SQLite: the facts table).
  const auto t1 = Clock::now();
  auto first = s.search(SearchQuery{});
  if (!first) die("first search", first.error());
  std::snprintf(line, sizeof line, "%s: first query (cold caches): %.1f ms", name.c_str(), seconds_since(t1) * 1000);
  w.setup_notes.push_back(line);
  // The first text query matching more than the SQLite backend's FTS5 row
  // limit builds its in-memory text index.
  SearchQuery broad;
  broad.text = "plugin";
  const auto t2 = Clock::now();
  auto second = s.search(broad);
  if (!second) die("first broad search", second.error());
  std::snprintf(line, sizeof line, "%s: first broad text query (%zu matches): %.1f ms", name.c_str(), second->total,
                seconds_since(t2) * 1000);
  w.setup_notes.push_back(line);
}

void setup() {
  auto& w = world();
  if (g_db_dir.empty()) {
    std::string pattern = (fs::temp_directory_path() / "callboard-search-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      std::exit(1);
    }
    w.dir = pattern;
    w.own_dir = true;
  } else {
    w.dir = g_db_dir;
  }
  w.words = vocabulary();
  const auto t0 = Clock::now();
  w.plugins = generate_plugins(g_plugins, w.words);
  char line[200];
  std::snprintf(line, sizeof line, "generated %zu plugins from %zu words in %.2f s", w.plugins.size(), w.words.size(),
                seconds_since(t0));
  w.setup_notes.push_back(line);

  const fs::path db = w.dir / "search-bench.db";
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix, ec);
  auto sqlite = open_storage("sqlite://" + db.string());
  if (!sqlite) die("open sqlite", sqlite.error());
  w.sqlite = std::move(sqlite).value();
  store(*w.sqlite, w.plugins, "sqlite");
  w.setup_notes.push_back("sqlite: database file " + std::to_string(fs::file_size(db, ec) / (1024 * 1024)) + " MiB");

  auto memory = open_storage("memory:");
  if (!memory) die("open memory", memory.error());
  w.memory = std::move(memory).value();
  store(*w.memory, w.plugins, "memory");

  for (Kind k : kKinds) w.queries[k] = make_queries(k, g_queries, w.words, w.plugins);
  w.plugins.clear();
  w.plugins.shrink_to_fit();
}

double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

void BM_Search(benchmark::State& state, bool use_sqlite, Kind kind) {
  auto& w = world();
  Storage& storage = use_sqlite ? *w.sqlite : *w.memory;
  const auto& queries = w.queries[kind];
  std::vector<double> latencies;
  latencies.reserve(queries.size());
  std::size_t next = 0;
  double totals = 0;
  for (auto _ : state) {
    const SearchQuery& q = queries[next++ % queries.size()];
    const auto t0 = Clock::now();
    auto page = storage.search(q);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (!page) {
      state.SkipWithError(page.error().to_string().c_str());
      break;
    }
    benchmark::DoNotOptimize(page->hits.data());
    latencies.push_back(ms);
    totals += static_cast<double>(page->total);
  }
  std::sort(latencies.begin(), latencies.end());
  Timing t;
  t.backend = use_sqlite ? "sqlite" : "memory";
  t.kind = kind_name(kind);
  t.queries = latencies.size();
  t.p50 = percentile(latencies, 0.50);
  t.p95 = percentile(latencies, 0.95);
  t.p99 = percentile(latencies, 0.99);
  t.max = latencies.empty() ? 0 : latencies.back();
  t.mean_total = latencies.empty() ? 0 : totals / static_cast<double>(latencies.size());
  state.counters["p50_ms"] = t.p50;
  state.counters["p95_ms"] = t.p95;
  state.counters["p99_ms"] = t.p99;
  state.counters["matches"] = t.mean_total;
  w.timings.push_back(t);
}

void print_summary() {
  auto& w = world();
  std::printf("\nsearch latency over %zu plugins, %zu queries per kind (ms)\n", g_plugins, g_queries);
  for (const auto& note : w.setup_notes) std::printf("  %s\n", note.c_str());
  std::printf("\n| backend | query kind | p50 | p95 | p99 | max | mean matches |\n");
  std::printf("|---|---|---:|---:|---:|---:|---:|\n");
  for (const auto& t : w.timings) {
    std::printf("| %s | %s | %.2f | %.2f | %.2f | %.2f | %.0f |\n", t.backend.c_str(), t.kind.c_str(), t.p50, t.p95,
                t.p99, t.max, t.mean_total);
  }
}

bool take_flag(const char* arg, const char* name, std::string& value) {
  const std::size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=') return false;
  value = arg + n + 1;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    std::string value;
    if (i > 0 && take_flag(argv[i], "--plugins", value)) {
      g_plugins = std::stoul(value);
    } else if (i > 0 && take_flag(argv[i], "--queries", value)) {
      g_queries = std::max<std::size_t>(1, std::stoul(value));
    } else if (i > 0 && take_flag(argv[i], "--db-dir", value)) {
      g_db_dir = value;
    } else {
      rest.push_back(argv[i]);
    }
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 1;
  setup();
  for (bool use_sqlite : {true, false}) {
    for (Kind k : kKinds) {
      const std::string name = std::string("search/") + (use_sqlite ? "sqlite/" : "memory/") + kind_name(k);
      benchmark::RegisterBenchmark(name.c_str(), BM_Search, use_sqlite, k)
          ->Iterations(static_cast<benchmark::IterationCount>(g_queries))
          ->Unit(benchmark::kMillisecond);
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  print_summary();
  benchmark::Shutdown();
  return 0;
}
