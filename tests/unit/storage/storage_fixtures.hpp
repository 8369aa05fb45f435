#pragma once
// Shared by the storage tests: temporary directories, the backends the
// tests run on, and (from conformance/catalog_fixtures.hpp) the hand-made
// plugins whose filter and facet answers the conformance cases work out.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "callboard/backend/storage.hpp"
#include "callboard/model.hpp"
#include "catalog_fixtures.hpp"  // conformance/: the plugins and packuments the cases use

namespace storage_test {

namespace fs = std::filesystem;
using namespace callboard;
using namespace callboard::backend;
using namespace callboard::backend::conformance::fixtures;

/// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "callboard-storage-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

/// Unwraps a Result in a test, failing with the error text.
template <typename T>
T need(Result<T> r) {
  if (!r.ok()) FAIL(r.error().to_string());
  return std::move(r).value();
}
inline void need(Result<void> r) {
  if (!r.ok()) FAIL(r.error().to_string());
}

/// One backend under test: "memory", "sqlite-file" or "sqlite-memory".
struct Backend {
  explicit Backend(std::string kind_) : kind(std::move(kind_)) {
    if (kind == "memory") {
      url = "memory:";
    } else if (kind == "sqlite-file") {
      url = "sqlite://" + (dir.path() / "callboard.db").string();
    } else {
      url = "sqlite::memory:";
    }
  }
  std::string kind;
  TempDir dir;
  std::string url;

  [[nodiscard]] std::unique_ptr<Storage> open() const { return need(open_storage(url)); }
};


/// The stored seed's fingerprint, if any.
inline std::optional<std::string> marker_of(Storage& storage) {
  auto seed = need(storage.seed());
  if (!seed) return std::nullopt;
  return seed->fingerprint;
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline const Facet& facet(const SearchPage& page, const std::string& name) {
  for (const auto& f : page.facets) {
    if (f.name == name) return f;
  }
  FAIL("no facet " << name);
  throw std::logic_error("unreachable");
}

inline void store_plugins(Storage& storage, const std::vector<Plugin>& plugins) {
  auto txn = need(storage.begin());
  need(txn->replace_plugins(plugins));
  need(txn->commit());
}

}  // namespace storage_test
