#pragma once
// Builders for the plugin grouping and score tests: packuments written in
// code, real package.json fixtures wrapped as one-version packuments, and the
// real release manifests.

#include "test_files.hpp"
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "callboard/model.hpp"
#include "callboard/semver.hpp"

namespace callboard::test {

inline Timestamp ts(std::string_view text) {
  auto t = parse_timestamp(text);
  if (!t) throw std::runtime_error("bad timestamp in test: " + std::string(text));
  return *t;
}

using callboard::test::read_text;

/// A packument written in code. Edits apply to the current (newest) version;
/// next() starts another version as a copy of the current one.
class Pkg {
 public:
  explicit Pkg(std::string name, std::string version = "1.0.0",
               std::string_view published = "2026-06-01T00:00:00Z") {
    m_.name = std::move(name);
    m_.version = std::move(version);
    m_.published = ts(published);
    m_.license = "Apache-2.0";
  }
  Pkg& role(PackageRole r) {
    return meta([&](BackstageMetadata& b) { b.role = r; });
  }
  Pkg& id(std::string id) {
    return meta([&](BackstageMetadata& b) { b.plugin_id = std::move(id); });
  }
  Pkg& null_id() {
    return meta([&](BackstageMetadata& b) { b.plugin_id_null = true; });
  }
  Pkg& links(std::vector<std::string> names) {
    return meta([&](BackstageMetadata& b) { b.plugin_packages = std::move(names); });
  }
  Pkg& target(std::string name) {
    return meta([&](BackstageMetadata& b) { b.plugin_package = std::move(name); });
  }
  Pkg& moved(std::string name) {
    return meta([&](BackstageMetadata& b) { b.moved = std::move(name); });
  }
  Pkg& no_metadata() {
    m_.backstage.reset();
    return *this;
  }
  Pkg& dep(std::string name, std::string spec) {
    m_.dependencies[std::move(name)] = std::move(spec);
    return *this;
  }
  Pkg& peer(std::string name, std::string spec, bool optional = false) {
    if (optional) m_.peer_dependencies_meta[name].optional = true;
    m_.peer_dependencies[std::move(name)] = std::move(spec);
    return *this;
  }
  Pkg& no_deps() {
    m_.dependencies.clear();
    m_.peer_dependencies.clear();
    m_.peer_dependencies_meta.clear();
    return *this;
  }
  Pkg& description(std::string d) {
    m_.description = std::move(d);
    return *this;
  }
  Pkg& keywords(std::vector<std::string> k) {
    m_.keywords = std::move(k);
    return *this;
  }
  Pkg& license(std::string l) {
    m_.license = std::move(l);
    return *this;
  }
  Pkg& repository(std::string url) {
    m_.repository.url = std::move(url);
    return *this;
  }
  Pkg& deprecated(std::string message = "no longer maintained") {
    m_.deprecated = std::move(message);
    return *this;
  }
  Pkg& script(std::string name, std::string command) {
    m_.scripts[std::move(name)] = std::move(command);
    return *this;
  }
  Pkg& main(std::string main, std::string types = {}, std::string module = {}) {
    m_.main = std::move(main);
    m_.types = std::move(types);
    m_.module = std::move(module);
    return *this;
  }
  Pkg& feature(std::string subpath, std::string kind) {
    return meta([&](BackstageMetadata& b) { b.features[std::move(subpath)] = std::move(kind); });
  }
  Pkg& created(std::string_view when) {
    created_ = ts(when);
    return *this;
  }
  /// Freezes the current version and starts `version` as a copy of it.
  Pkg& next(std::string version, std::string_view published) {
    done_.push_back(m_);
    m_.version = std::move(version);
    m_.published = ts(published);
    return *this;
  }

  [[nodiscard]] Packument build() const {
    Packument p;
    p.name = m_.name;
    p.versions = done_;
    p.versions.push_back(m_);
    std::sort(p.versions.begin(), p.versions.end(), [](const Manifest& a, const Manifest& b) {
      return *semver::Version::parse(a.version) < *semver::Version::parse(b.version);
    });
    p.dist_tags["latest"] = m_.version;
    p.created = created_ != Timestamp{} ? created_ : p.versions.front().published;
    p.modified = m_.published;
    return p;
  }
  operator Packument() const { return build(); }  // NOLINT: builder convenience

 private:
  template <typename F>
  Pkg& meta(F edit) {
    if (!m_.backstage) m_.backstage.emplace();
    edit(*m_.backstage);
    return *this;
  }
  Manifest m_;
  std::vector<Manifest> done_;
  Timestamp created_{};
};

/// A real package.json fixture as a one-version packument (no publish time).
inline Packument fixture(std::string_view file) {
  const auto path =
      std::filesystem::path(CALLBOARD_REPO_ROOT) / "tests/fixtures/plugin-package-json" / file;
  auto m = parse_manifest(read_text(path));
  if (!m) throw std::runtime_error(path.string() + ": " + m.error().message);
  Packument p;
  p.name = m->name;
  p.dist_tags["latest"] = m->version;
  p.versions.push_back(std::move(*m));
  return p;
}

/// Every release manifest in data/releases, sorted by file name.
inline const std::vector<Release>& real_releases() {
  static const std::vector<Release> releases = [] {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(
             std::filesystem::path(CALLBOARD_DATA_DIR) / "releases")) {
      if (e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    std::vector<Release> out;
    for (const auto& f : files) {
      auto r = parse_release(read_text(f));
      if (!r) throw std::runtime_error(f.string() + ": " + r.error().message);
      out.push_back(std::move(*r));
    }
    return out;
  }();
  return releases;
}

}  // namespace callboard::test
