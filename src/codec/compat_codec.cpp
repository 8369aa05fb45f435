// Codecs of the compatibility operations: ScanRequest, NewestRequest,
// UpgradeRequest, MatrixRequest (requests); ScanReport, NewestReport,
// MatrixReport, compat::UpgradeReport (results).

#include <string>

#include "callboard/codec.hpp"
#include "callboard/compat.hpp"
#include "callboard/json.hpp"
#include "codec/writers.hpp"

namespace callboard::codec {
namespace {

using detail::failure_array;
using detail::string_array;

/// A document of another codec with members appended before its closing brace.
JsonWriter extend(const std::string& document) {
  JsonWriter w;
  w.buffer() = document.substr(0, document.size() - 1);
  w.buffer() += ',';
  return w;
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

}  // namespace callboard::codec
