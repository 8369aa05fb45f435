#include "corpus.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string_view>

#include <boost/json.hpp>

#ifndef CALLBOARD_SEMVER_CORPUS_DEFAULT
#define CALLBOARD_SEMVER_CORPUS_DEFAULT ""
#endif

namespace callboard::bench {

namespace {

namespace json = boost::json;

// Derives `versions`, `package_offset` and `checks` from the other fields.
void finish(Corpus& c) {
  c.versions.clear();
  c.package_offset.clear();
  for (const auto& list : c.package_versions) {
    c.package_offset.push_back(static_cast<std::uint32_t>(c.versions.size()));
    c.versions.insert(c.versions.end(), list.begin(), list.end());
  }
  c.package_offset.push_back(static_cast<std::uint32_t>(c.versions.size()));
  c.checks.clear();
  for (const Corpus::Pair& p : c.pairs) {
    for (std::uint32_t v = c.package_offset[p.package]; v < c.package_offset[p.package + 1]; ++v) {
      c.checks.push_back({p.range, v});
    }
  }
}

}  // namespace

std::optional<Corpus> load_corpus(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open " + path;
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  const json::value doc = json::parse(text.str(), ec);
  if (ec) {
    error = path + ": " + ec.message();
    return std::nullopt;
  }
  const json::object* root = doc.if_object();
  const json::array* ranges = root ? root->contains("ranges") ? root->at("ranges").if_array() : nullptr : nullptr;
  const json::object* versions =
      root ? root->contains("versions") ? root->at("versions").if_object() : nullptr : nullptr;
  if (!ranges || !versions) {
    error = path + ": expected an object with \"ranges\" (array) and \"versions\" (object)";
    return std::nullopt;
  }

  Corpus c;
  c.source = path;
  for (const json::value& r : *ranges) {
    // Keep indices aligned with the file even for non-string entries.
    const json::string* s = r.if_string();
    c.ranges.emplace_back(s ? std::string_view(*s) : std::string_view());
  }
  std::map<std::string, std::vector<std::string>> packages;  // sorted by name
  for (const auto& [name, list] : *versions) {
    auto& out = packages[std::string(name)];
    if (const json::array* a = list.if_array()) {
      for (const json::value& v : *a) {
        if (const json::string* s = v.if_string()) out.emplace_back(std::string_view(*s));
      }
    }
  }
  std::map<std::string, std::uint32_t, std::less<>> index;
  for (auto& [name, list] : packages) {
    index.emplace(name, static_cast<std::uint32_t>(c.package_names.size()));
    c.package_names.push_back(name);
    c.package_versions.push_back(std::move(list));
  }
  if (root->contains("pairs")) {
    if (const json::array* pairs = root->at("pairs").if_array()) {
      for (const json::value& p : *pairs) {
        const json::array* pair = p.if_array();
        if (!pair || pair->size() != 2 || !(*pair)[0].is_number() || !(*pair)[1].is_string()) continue;
        const auto range = (*pair)[0].to_number<std::int64_t>();
        const auto it = index.find(std::string_view((*pair)[1].get_string()));
        if (range < 0 || static_cast<std::size_t>(range) >= c.ranges.size() || it == index.end() ||
            c.package_versions[it->second].empty()) {
          continue;
        }
        c.pairs.push_back({static_cast<std::uint32_t>(range), it->second});
      }
    }
  }
  finish(c);
  return c;
}

Corpus generate_corpus(std::uint32_t seed) {
  std::mt19937 rng(seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };

  Corpus c;
  c.source = "generated (seed " + std::to_string(seed) + ")";
  constexpr int kPackages = 300;
  std::vector<std::string> names;
  for (int i = 0; i < kPackages; ++i) {
    names.push_back((i % 3 == 0 ? "@backstage/plugin-generated-" : "@community/plugin-generated-") +
                    std::to_string(i));
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    // A release history: mostly patch and minor bumps, with `-next.N`
    // prereleases before many releases, as Backstage publishes them.
    std::vector<std::string> list;
    int major = chance(0.6) ? 0 : uniform(1, 3);
    int minor = uniform(0, 5);
    int patch = 0;
    const int count = uniform(10, 150);
    for (int k = 0; k < count; ++k) {
      const std::string base = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
      if (chance(0.35)) {
        const int nexts = uniform(1, 3);
        for (int n = 0; n < nexts; ++n) list.push_back(base + "-next." + std::to_string(n));
      }
      list.push_back(base);
      if (chance(0.05)) {
        ++major;
        minor = 0;
        patch = 0;
      } else if (chance(0.3)) {
        ++minor;
        patch = 0;
      } else {
        ++patch;
      }
    }
    c.package_names.push_back(name);
    c.package_versions.push_back(std::move(list));
  }

  std::map<std::string, std::uint32_t> range_index;
  auto add_range = [&](const std::string& r) {
    const auto [it, inserted] = range_index.emplace(r, static_cast<std::uint32_t>(c.ranges.size()));
    if (inserted) c.ranges.push_back(r);
    return it->second;
  };
  for (std::uint32_t p = 0; p < c.package_names.size(); ++p) {
    const auto& list = c.package_versions[p];
    const int dependents = uniform(2, 12);
    for (int d = 0; d < dependents; ++d) {
      const std::string& v = list[static_cast<std::size_t>(uniform(0, static_cast<int>(list.size()) - 1))];
      const std::string release = v.substr(0, v.find('-'));
      const std::string major = release.substr(0, release.find('.'));
      const std::string minor = release.substr(0, release.rfind('.'));
      const int shape = uniform(0, 99);
      std::string r;
      if (shape < 55) r = "^" + v;
      else if (shape < 65) r = "~" + release;
      else if (shape < 73) r = v;
      else if (shape < 78) r = ">=" + release + " <" + std::to_string(std::stoi(major) + 1) + ".0.0";
      else if (shape < 83) r = "^" + release + " || ^" + std::to_string(std::stoi(major) + 1) + ".0.0";
      else if (shape < 86) r = "*";
      else if (shape < 89) r = major + ".x";
      else if (shape < 92) r = minor + ".x";
      else if (shape < 95) r = ">= " + release;
      else if (shape < 98) r = "~" + release + "-next.0";
      else r = chance(0.5) ? "workspace:^" : "npm:" + c.package_names[p] + "@^" + release;
      c.pairs.push_back({add_range(r), p});
    }
  }
  finish(c);
  return c;
}

std::string corpus_to_json(const Corpus& c) {
  json::object root;
  json::array ranges;
  for (const auto& r : c.ranges) ranges.emplace_back(json::string(r));
  root["ranges"] = std::move(ranges);
  json::object versions;
  for (std::size_t i = 0; i < c.package_names.size(); ++i) {
    json::array list;
    for (const auto& v : c.package_versions[i]) list.emplace_back(json::string(v));
    versions[c.package_names[i]] = std::move(list);
  }
  root["versions"] = std::move(versions);
  json::array pairs;
  for (const auto& p : c.pairs) {
    pairs.push_back(json::array{p.range, json::string(c.package_names[p.package])});
  }
  root["pairs"] = std::move(pairs);
  root["generated"] = c.source;
  return json::serialize(root);
}

std::string corpus_path(const std::string& explicit_path) {
  if (!explicit_path.empty()) return explicit_path;
  if (const char* env = std::getenv("CALLBOARD_SEMVER_CORPUS"); env && *env) return env;
  return CALLBOARD_SEMVER_CORPUS_DEFAULT;
}

Corpus load_or_generate(const std::string& explicit_path) {
  const std::string path = corpus_path(explicit_path);
  if (!path.empty() && std::ifstream(path).good()) {
    std::string error;
    auto corpus = load_corpus(path, error);
    if (!corpus) {
      std::fprintf(stderr, "semver corpus: %s\n", error.c_str());
      std::exit(2);
    }
    std::fprintf(stderr, "semver corpus: %s\n", path.c_str());
    return std::move(*corpus);
  }
  std::fprintf(stderr, "semver corpus: %s not found, using a generated corpus\n",
               path.empty() ? "(no path)" : path.c_str());
  return generate_corpus();
}

}  // namespace callboard::bench
