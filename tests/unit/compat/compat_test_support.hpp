#pragma once
// Shared by the compat tests: the real release manifests (the seed copy in
// data/releases, 1.0.0 to 1.54.0-next.0), the real package.json fixtures,
// and small manifests written in code.

#include "test_files.hpp"
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "callboard/compat.hpp"
#include "callboard/model.hpp"

namespace callboard::compat_test {

using callboard::test::read_text;

inline std::filesystem::path repo_root() { return CALLBOARD_REPO_ROOT; }
inline std::filesystem::path fixtures_dir() {
  return repo_root() / "tests/fixtures/plugin-package-json";
}

/// Every release manifest of data/releases, in directory order.
inline const std::vector<Release>& real_releases() {
  static const std::vector<Release> releases = [] {
    std::vector<Release> out;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(
             std::filesystem::path(CALLBOARD_DATA_DIR) / "releases")) {
      if (e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      auto r = parse_release(read_text(f));
      if (!r) throw std::runtime_error("bad release " + f.string() + ": " + r.error().to_string());
      out.push_back(std::move(*r));
    }
    return out;
  }();
  return releases;
}

/// The recorded real packuments in tests/fixtures/packuments, sorted by name.
inline std::vector<Packument> fixture_packuments() {
  std::vector<Packument> out;
  for (const auto& e : std::filesystem::directory_iterator(repo_root() / "tests/fixtures/packuments")) {
    auto p = parse_packument(read_text(e.path()));
    if (!p) throw std::runtime_error(p.error().to_string());
    out.push_back(std::move(*p));
  }
  std::sort(out.begin(), out.end(), [](const Packument& a, const Packument& b) { return a.name < b.name; });
  return out;
}

inline const compat::ReleaseCatalog& real_catalog() {
  static const compat::ReleaseCatalog catalog(real_releases());
  return catalog;
}

inline Manifest fixture(const std::string& file) {
  auto m = parse_manifest(read_text(fixtures_dir() / file));
  if (!m) throw std::runtime_error("bad fixture " + file + ": " + m.error().to_string());
  return std::move(*m);
}

inline std::vector<std::string> fixture_files() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(fixtures_dir())) {
    if (e.path().extension() == ".json") out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// A release written in code.
inline Release release(std::string version,
                       std::map<std::string, std::string, std::less<>> packages) {
  return Release{std::move(version), std::move(packages)};
}

/// A plugin manifest written in code.
inline Manifest plugin(std::string name, PackageRole role, DependencyMap deps,
                       std::string version = "1.0.0") {
  Manifest m;
  m.name = std::move(name);
  m.version = std::move(version);
  m.backstage = BackstageMetadata{};
  m.backstage->role = role;
  m.dependencies = std::move(deps);
  return m;
}

inline std::vector<std::string> ids(const compat::ScanResult& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) out.push_back(f.id);
  return out;
}

inline std::vector<std::string> deciding_ids(const compat::ScanResult& r) {
  std::vector<std::string> out;
  for (std::size_t i : r.deciding) out.push_back(r.findings[i].id);
  return out;
}

inline bool has(const compat::ScanResult& r, std::string_view id, std::string_view package = {}) {
  return std::any_of(r.findings.begin(), r.findings.end(), [&](const compat::Finding& f) {
    return f.id == id && (package.empty() || f.evidence.package == package);
  });
}

inline const compat::Finding* get(const compat::ScanResult& r, std::string_view id,
                                  std::string_view package = {}) {
  for (const auto& f : r.findings) {
    if (f.id == id && (package.empty() || f.evidence.package == package)) return &f;
  }
  return nullptr;
}

/// Every manifest the tests have: the fixtures and every packument version.
inline std::vector<Manifest> all_manifests() {
  std::vector<Manifest> out;
  for (const auto& f : fixture_files()) out.push_back(fixture(f));
  for (const auto& p : fixture_packuments()) out.insert(out.end(), p.versions.begin(), p.versions.end());
  return out;
}

}  // namespace callboard::compat_test
