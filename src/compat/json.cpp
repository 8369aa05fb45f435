// Canonical JSON for the scanner's results (shapes in compat.hpp).

#include "callboard/json.hpp"
#include "compat/detail.hpp"

namespace callboard::compat {
namespace {

using Writer = JsonWriter;

void write_finding(Writer& w, const Finding& f) {
  w.begin_object();
  w.field("id", f.id);
  w.field("severity", to_string(f.severity));
  w.field("limit", to_string(f.limit));
  w.field("message", f.message);
  w.key("evidence");
  w.begin_object();
  w.field("package", f.evidence.package);
  w.field("field", f.evidence.field);
  w.field("range", f.evidence.range);
  w.field("found", f.evidence.found);
  w.field("release", f.evidence.release);
  w.end_object();
  w.end_object();
}

char tier_letter(Tier t) {
  switch (t) {
    case Tier::kAligned: return 'a';
    case Tier::kCompatible: return 'c';
    case Tier::kIncompatible: return 'i';
  }
  return 'i';
}

}  // namespace

std::string to_json(const Finding& finding) {
  Writer w;
  write_finding(w, finding);
  return w.take();
}

std::string to_json(const ScanResult& result) {
  Writer w;
  w.begin_object();
  w.field("package", result.package);
  w.field("version", result.version);
  w.field("release", result.release);
  w.field("tier", to_string(result.tier));
  w.key("findings");
  w.begin_array();
  for (const auto& f : result.findings) write_finding(w, f);
  w.end_array();
  w.key("deciding");
  w.begin_array();
  for (std::size_t i : result.deciding) {
    if (i < result.findings.size()) w.string(result.findings[i].id);
  }
  w.end_array();
  w.end_object();
  return w.take();
}

std::string to_json(const SupportMatrix& matrix) {
  Writer w;
  w.begin_object();
  w.field("package", matrix.package);
  w.key("releases");
  w.begin_array();
  for (const auto& r : matrix.releases) w.string(r);
  w.end_array();
  w.key("versions");
  w.begin_array();
  std::string letters;
  for (std::size_t v = 0; v < matrix.versions.size(); ++v) {
    w.begin_object();
    w.field("version", matrix.versions[v]);
    w.key("deprecated");
    w.boolean(v < matrix.deprecated.size() && matrix.deprecated[v]);
    letters.clear();
    for (std::size_t r = 0; r < matrix.releases.size(); ++r)
      letters.push_back(tier_letter(matrix.at(v, r)));
    w.field("tiers", letters);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

std::string to_json(const UpgradeReport& report) {
  Writer w;
  w.begin_object();
  w.field("from", report.from);
  w.field("to", report.to);
  w.key("blocked");
  w.boolean(report.blocked);
  w.key("items");
  w.begin_array();
  for (const auto& item : report.items) {
    w.begin_object();
    w.field("package", item.package);
    w.field("workspace", item.workspace);
    w.field("range", item.range);
    w.field("version", item.version);
    w.field("tier", to_string(item.tier));
    w.field("upgradeTo", item.upgrade_to);
    w.key("blocking");
    w.boolean(item.blocking);
    w.key("reasons");
    w.begin_array();
    for (const auto& f : item.reasons) write_finding(w, f);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

}  // namespace callboard::compat
