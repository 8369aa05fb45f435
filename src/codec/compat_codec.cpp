// Codecs of the compatibility operations: ScanRequest, NewestRequest,
// UpgradeRequest, MatrixRequest (requests); ScanReport, NewestReport,
// MatrixReport, compat::UpgradeReport (results).

#include <string>

#include "callboard/codec.hpp"
#include "callboard/compat.hpp"
#include "callboard/json.hpp"
#include "codec/reader.hpp"

namespace callboard::codec {
namespace {

using detail::Reader;

void string_array(JsonWriter& w, const std::vector<std::string>& values) {
  w.begin_array();
  for (const auto& v : values) w.string(v);
  w.end_array();
}

/// A document of another codec with members appended before its closing brace.
JsonWriter extend(const std::string& document) {
  JsonWriter w;
  w.buffer() = document.substr(0, document.size() - 1);
  w.buffer() += ',';
  return w;
}

std::optional<compat::Tier> parse_minimum(std::string_view text) {
  auto tier = compat::parse_tier(text);
  if (tier && *tier == compat::Tier::kIncompatible) return std::nullopt;
  return tier;
}

/// The members every scanner request shares.
void host_members(JsonWriter& w, const std::string& release, const std::filesystem::path& app,
                  const std::string& node, const std::string& target, const std::filesystem::path& releases_dir) {
  w.field("release", release);
  w.field("app", app.string());
  w.field("node", node);
  w.field("target", target);
  w.field("releasesDir", releases_dir.string());
}

template <typename Request>
Result<void> read_host_members(const Reader& r, Request& q) {
  CALLBOARD_TRY(r.string("release", q.release));
  CALLBOARD_TRY(r.path("app", q.app));
  CALLBOARD_TRY(r.string("node", q.node));
  CALLBOARD_TRY(r.string("target", q.target));
  return r.path("releasesDir", q.releases_dir);
}

}  // namespace

std::string encode(const ScanReport& report) {
  JsonWriter w = extend(compat::to_json(report.scan));
  w.key("releases");
  string_array(w, report.releases);
  std::string letters;
  for (compat::Tier t : report.tiers) letters += compat::to_string(t).front();
  w.field("tiers", letters);
  w.buffer() += '}';
  return w.take();
}

std::string encode(const NewestReport& r) {
  JsonWriter w;
  w.begin_object();
  w.field("package", r.package);
  w.field("release", r.release);
  w.field("minimumTier", compat::to_string(r.minimum));
  w.key("tier");
  if (r.tier) {
    w.string(compat::to_string(*r.tier));
  } else {
    w.null();
  }
  w.key("version");
  if (r.version) {
    w.string(*r.version);
  } else {
    w.null();
  }
  w.end_object();
  return w.take();
}

std::string encode(const MatrixReport& r) {
  JsonWriter w;
  w.begin_object();
  w.key("plugin");
  if (r.plugin.empty()) {
    w.null();
  } else {
    w.string(r.plugin);
  }
  w.key("matrices");
  w.begin_array();
  for (const auto& m : r.matrices) w.raw(compat::to_json(m));
  w.end_array();
  w.end_object();
  return w.take();
}

std::string encode(const compat::UpgradeReport& report) { return compat::to_json(report); }

std::string encode(const ScanRequest& q) {
  JsonWriter w;
  w.begin_object();
  w.field("package", q.package);
  host_members(w, q.release, q.app, q.node, q.target, q.releases_dir);
  w.end_object();
  return w.take();
}

std::string encode(const NewestRequest& q) {
  JsonWriter w;
  w.begin_object();
  w.field("package", q.package);
  w.field("minimumTier", compat::to_string(q.minimum));
  host_members(w, q.release, q.app, q.node, q.target, q.releases_dir);
  w.end_object();
  return w.take();
}

std::string encode(const UpgradeRequest& q) {
  JsonWriter w;
  w.begin_object();
  w.field("app", q.app.string());
  w.field("release", q.release);
  w.field("releasesDir", q.releases_dir.string());
  w.end_object();
  return w.take();
}

std::string encode(const MatrixRequest& q) {
  JsonWriter w;
  w.begin_object();
  w.field("name", q.name);
  w.field("releasesDir", q.releases_dir.string());
  w.end_object();
  return w.take();
}

Result<ScanRequest> decode_scan_request(std::string_view text, std::size_t max_bytes) {
  return detail::decode<ScanRequest>(text, max_bytes, "scan request", [](const Reader& r, ScanRequest& q) -> Result<void> {
    CALLBOARD_TRY(r.only({"package", "release", "app", "node", "target", "releasesDir"}));
    CALLBOARD_TRY(r.string("package", q.package));
    return read_host_members(r, q);
  });
}

Result<NewestRequest> decode_newest_request(std::string_view text, std::size_t max_bytes) {
  return detail::decode<NewestRequest>(
      text, max_bytes, "newest request", [](const Reader& r, NewestRequest& q) -> Result<void> {
        CALLBOARD_TRY(r.only({"package", "minimumTier", "release", "app", "node", "target", "releasesDir"}));
        CALLBOARD_TRY(r.string("package", q.package));
        CALLBOARD_TRY(r.enumerated("minimumTier", q.minimum, parse_minimum));
        return read_host_members(r, q);
      });
}

Result<UpgradeRequest> decode_upgrade_request(std::string_view text, std::size_t max_bytes) {
  return detail::decode<UpgradeRequest>(text, max_bytes, "upgrade request",
                                        [](const Reader& r, UpgradeRequest& q) -> Result<void> {
                                          CALLBOARD_TRY(r.only({"app", "release", "releasesDir"}));
                                          CALLBOARD_TRY(r.path("app", q.app));
                                          CALLBOARD_TRY(r.string("release", q.release));
                                          return r.path("releasesDir", q.releases_dir);
                                        });
}

Result<MatrixRequest> decode_matrix_request(std::string_view text, std::size_t max_bytes) {
  return detail::decode<MatrixRequest>(text, max_bytes, "matrix request",
                                       [](const Reader& r, MatrixRequest& q) -> Result<void> {
                                         CALLBOARD_TRY(r.only({"name", "releasesDir"}));
                                         CALLBOARD_TRY(r.string("name", q.name));
                                         return r.path("releasesDir", q.releases_dir);
                                       });
}

}  // namespace callboard::codec
