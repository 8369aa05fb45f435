// The product API's requests (docs/api/README.md): canonical encoders and
// strict decoders (an unknown member or a member of the wrong type is an
// error naming it, "pointer"; absent members keep the request type's
// defaults). Kept apart from the result encoders so that the decoders, the
// part that reads outside input, build and fuzz (fuzz/fuzz_request.cpp)
// with the model, the scanner and the solver's value types only.

#include <array>
#include <string>
#include <utility>

#include "callboard/codec.hpp"
#include "callboard/compat.hpp"
#include "callboard/json.hpp"
#include "codec/writers.hpp"
#include "callboard/solver.hpp"
#include "codec/reader.hpp"

namespace callboard::codec {
namespace {

using detail::failure_array;
using detail::string_array;

using detail::decode;
using detail::Reader;

constexpr std::array<std::pair<solver::UnknownPackages, std::string_view>, 2> kUnknown = {
    {{solver::UnknownPackages::kFail, "fail"}, {solver::UnknownPackages::kAssumeExternal, "assume-external"}}};
constexpr std::array<std::pair<solver::ReleasePins, std::string_view>, 2> kPins = {
    {{solver::ReleasePins::kExact, "exact"}, {solver::ReleasePins::kCompatible, "compatible"}}};
constexpr std::array<std::pair<solver::PeerRule, std::string_view>, 3> kPeers = {
    {{solver::PeerRule::kFromApp, "from-app"}, {solver::PeerRule::kStrict, "strict"},
     {solver::PeerRule::kLenient, "lenient"}}};
constexpr std::array<std::pair<solver::ChangeKind, std::string_view>, 3> kKinds = {
    {{solver::ChangeKind::kAdd, "add"}, {solver::ChangeKind::kUpgrade, "upgrade"},
     {solver::ChangeKind::kRemove, "remove"}}};

using session_names::text_of;

template <typename T, std::size_t N>
auto parser_of(const std::array<std::pair<T, std::string_view>, N>& table) {
  return [&table](std::string_view text) { return session_names::value_of(table, text); };
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

std::string encode(const IndexOptions& r) {
  JsonWriter w;
  w.begin_object();
  w.key("seedEcosystem");
  w.boolean(r.seed_ecosystem);
  w.key("packages");
  string_array(w, r.packages);
  w.key("followLinks");
  w.boolean(r.follow_links);
  w.key("localSources");
  w.begin_array();
  for (const auto& p : r.local_sources) w.string(p.string());
  w.end_array();
  w.field("dataDir", r.data_dir.string());
  w.key("maxPackages");
  w.uint(r.max_packages);
  w.key("now");
  w.timestamp_or_null(r.now);
  w.end_object();
  return w.take();
}

std::string encode(const backend::SearchQuery& q) {
  JsonWriter w;
  w.begin_object();
  w.field("text", q.text);
  w.key("roles");
  w.begin_array();
  for (PackageRole role : q.roles) w.string(to_string(role));
  w.end_array();
  w.key("categories");
  string_array(w, q.categories);
  w.key("backendSystem");
  if (q.backend_system) {
    w.string(to_string(*q.backend_system));
  } else {
    w.null();
  }
  w.key("frontendSystem");
  if (q.frontend_system) {
    w.string(to_string(*q.frontend_system));
  } else {
    w.null();
  }
  w.field("supportsRelease", q.supports_release);
  w.key("includeDeprecated");
  w.boolean(q.include_deprecated);
  w.key("offset");
  w.uint(q.offset);
  w.key("limit");
  w.uint(q.limit);
  w.end_object();
  return w.take();
}

std::string encode(const InfoRequest& r) {
  JsonWriter w;
  w.begin_object();
  w.field("name", r.name);
  w.end_object();
  return w.take();
}

std::string encode(const ReleaseImportRequest& r) {
  JsonWriter w;
  w.begin_object();
  w.field("source", r.source);
  w.end_object();
  return w.take();
}

std::string encode(const VerifyRequest& r) {
  JsonWriter w;
  w.begin_object();
  w.field("package", r.package);
  w.field("version", r.version);
  w.field("keep", r.keep.string());
  w.field("store", to_string(r.store));
  w.end_object();
  return w.take();
}

std::string encode(const ChangelogRequest& r) {
  JsonWriter w;
  w.begin_object();
  w.field("package", r.package);
  w.field("from", r.from);
  w.field("to", r.to);
  w.key("prereleases");
  w.boolean(r.prereleases);
  w.end_object();
  return w.take();
}

std::string encode(const SolveCommand& c) {
  JsonWriter w;
  w.begin_object();
  w.field("app", c.app.string());
  w.key("changes");
  w.begin_array();
  for (const solver::PackageChange& change : c.changes) {
    w.begin_object();
    w.field("kind", text_of(kKinds, change.kind));
    w.field("name", change.name);
    w.field("range", change.range);
    w.field("workspace", change.workspace);
    w.end_object();
  }
  w.end_array();
  w.field("release", c.release);
  w.key("allowReleaseUpgrade");
  w.boolean(c.allow_release_upgrade);
  const solver::SolveOptions& o = c.options;
  w.key("options");
  w.begin_object();
  w.key("singletons");
  string_array(w, o.singletons);
  w.key("allSingletons");
  w.boolean(o.all_singletons);
  w.field("unknownPackages", text_of(kUnknown, o.unknown_packages));
  w.field("releasePins", text_of(kPins, o.release_pins));
  w.key("devDependencies");
  w.boolean(o.dev_dependencies);
  w.field("peers", text_of(kPeers, o.peers));
  w.key("maxSteps");
  w.uint(o.max_steps);
  w.end_object();
  w.key("offline");
  w.boolean(c.offline);
  w.field("apply", to_string(c.apply));
  w.end_object();
  return w.take();
}

std::string encode(const CheckRequest& r) {
  JsonWriter w;
  w.begin_object();
  w.field("app", r.app.string());
  w.field("plan", r.plan.string());
  w.end_object();
  return w.take();
}

Result<SolveCommand> decode_solve_request(std::string_view text, std::size_t max_bytes) {
  return decode<SolveCommand>(
      text, max_bytes, "solve request", [](const Reader& r, SolveCommand& c) -> Result<void> {
        CALLBOARD_TRY(r.only({"app", "changes", "release", "allowReleaseUpgrade", "options", "offline", "apply"}));
        CALLBOARD_TRY(r.path("app", c.app));
        CALLBOARD_TRY(r.objects("changes", [&](const Reader& item) -> Result<void> {
          solver::PackageChange change;
          CALLBOARD_TRY(item.only({"kind", "name", "range", "workspace"}));
          CALLBOARD_TRY(item.enumerated("kind", change.kind, parser_of(kKinds)));
          CALLBOARD_TRY(item.string("name", change.name));
          CALLBOARD_TRY(item.string("range", change.range));
          CALLBOARD_TRY(item.string("workspace", change.workspace));
          if (change.name.empty()) return item.error("name", "a change names a package");
          c.changes.push_back(std::move(change));
          return {};
        }));
        CALLBOARD_TRY(r.string("release", c.release));
        CALLBOARD_TRY(r.boolean("allowReleaseUpgrade", c.allow_release_upgrade));
        CALLBOARD_TRY(r.object("options", [&](const Reader& o) -> Result<void> {
          solver::SolveOptions& opts = c.options;
          CALLBOARD_TRY(o.only({"singletons", "allSingletons", "unknownPackages", "releasePins", "devDependencies",
                                "peers", "maxSteps"}));
          CALLBOARD_TRY(o.strings("singletons", opts.singletons));
          CALLBOARD_TRY(o.boolean("allSingletons", opts.all_singletons));
          CALLBOARD_TRY(o.enumerated("unknownPackages", opts.unknown_packages, parser_of(kUnknown)));
          CALLBOARD_TRY(o.enumerated("releasePins", opts.release_pins, parser_of(kPins)));
          CALLBOARD_TRY(o.boolean("devDependencies", opts.dev_dependencies));
          CALLBOARD_TRY(o.enumerated("peers", opts.peers, parser_of(kPeers)));
          return o.count("maxSteps", opts.max_steps);
        }));
        CALLBOARD_TRY(r.boolean("offline", c.offline));
        return r.enumerated("apply", c.apply, parse_apply_mode);
      });
}

Result<CheckRequest> decode_check_request(std::string_view text, std::size_t max_bytes) {
  return decode<CheckRequest>(text, max_bytes, "check request",
                                      [](const Reader& r, CheckRequest& c) -> Result<void> {
                                        CALLBOARD_TRY(r.only({"app", "plan"}));
                                        CALLBOARD_TRY(r.path("app", c.app));
                                        return r.path("plan", c.plan);
                                      });
}

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
  return decode<ScanRequest>(text, max_bytes, "scan request", [](const Reader& r, ScanRequest& q) -> Result<void> {
    CALLBOARD_TRY(r.only({"package", "release", "app", "node", "target", "releasesDir"}));
    CALLBOARD_TRY(r.string("package", q.package));
    return read_host_members(r, q);
  });
}

Result<NewestRequest> decode_newest_request(std::string_view text, std::size_t max_bytes) {
  return decode<NewestRequest>(
      text, max_bytes, "newest request", [](const Reader& r, NewestRequest& q) -> Result<void> {
        CALLBOARD_TRY(r.only({"package", "minimumTier", "release", "app", "node", "target", "releasesDir"}));
        CALLBOARD_TRY(r.string("package", q.package));
        CALLBOARD_TRY(r.enumerated("minimumTier", q.minimum, parse_minimum));
        return read_host_members(r, q);
      });
}

Result<UpgradeRequest> decode_upgrade_request(std::string_view text, std::size_t max_bytes) {
  return decode<UpgradeRequest>(text, max_bytes, "upgrade request",
                                        [](const Reader& r, UpgradeRequest& q) -> Result<void> {
                                          CALLBOARD_TRY(r.only({"app", "release", "releasesDir"}));
                                          CALLBOARD_TRY(r.path("app", q.app));
                                          CALLBOARD_TRY(r.string("release", q.release));
                                          return r.path("releasesDir", q.releases_dir);
                                        });
}

Result<MatrixRequest> decode_matrix_request(std::string_view text, std::size_t max_bytes) {
  return decode<MatrixRequest>(text, max_bytes, "matrix request",
                                       [](const Reader& r, MatrixRequest& q) -> Result<void> {
                                         CALLBOARD_TRY(r.only({"name", "releasesDir"}));
                                         CALLBOARD_TRY(r.string("name", q.name));
                                         return r.path("releasesDir", q.releases_dir);
                                       });
}

Result<IndexOptions> decode_index_request(std::string_view text, std::size_t max_bytes) {
  return decode<IndexOptions>(text, max_bytes, "index request", [](const Reader& r, IndexOptions& o) -> Result<void> {
    CALLBOARD_TRY(r.only({"seedEcosystem", "packages", "followLinks", "localSources", "dataDir", "maxPackages", "now"}));
    CALLBOARD_TRY(r.boolean("seedEcosystem", o.seed_ecosystem));
    CALLBOARD_TRY(r.strings("packages", o.packages));
    CALLBOARD_TRY(r.boolean("followLinks", o.follow_links));
    std::vector<std::string> local;
    CALLBOARD_TRY(r.strings("localSources", local));
    o.local_sources.assign(local.begin(), local.end());
    CALLBOARD_TRY(r.path("dataDir", o.data_dir));
    CALLBOARD_TRY(r.count("maxPackages", o.max_packages));
    std::optional<Timestamp> now;
    CALLBOARD_TRY(r.optional_enum("now", now, [](std::string_view t) { return parse_timestamp(t); }));
    o.now = now.value_or(Timestamp{});
    return {};
  });
}

Result<backend::SearchQuery> decode_search_request(std::string_view text, std::size_t max_bytes) {
  return decode<backend::SearchQuery>(
      text, max_bytes, "search request", [](const Reader& r, backend::SearchQuery& q) -> Result<void> {
        CALLBOARD_TRY(r.only({"text", "roles", "categories", "backendSystem", "frontendSystem", "supportsRelease",
                              "includeDeprecated", "offset", "limit"}));
        CALLBOARD_TRY(r.string("text", q.text));
        std::vector<std::string> roles;
        CALLBOARD_TRY(r.strings("roles", roles));
        for (const std::string& role : roles) {
          auto parsed = parse_package_role(role);
          if (!parsed) return r.error("roles", "unknown role '" + role + "'");
          q.roles.push_back(*parsed);
        }
        CALLBOARD_TRY(r.strings("categories", q.categories));
        CALLBOARD_TRY(r.optional_enum("backendSystem", q.backend_system, parse_plugin_system));
        CALLBOARD_TRY(r.optional_enum("frontendSystem", q.frontend_system, parse_plugin_system));
        CALLBOARD_TRY(r.string("supportsRelease", q.supports_release));
        CALLBOARD_TRY(r.boolean("includeDeprecated", q.include_deprecated));
        CALLBOARD_TRY(r.count("offset", q.offset));
        CALLBOARD_TRY(r.count("limit", q.limit));
        return {};
      });
}

Result<InfoRequest> decode_info_request(std::string_view text, std::size_t max_bytes) {
  return decode<InfoRequest>(text, max_bytes, "info request", [](const Reader& r, InfoRequest& o) -> Result<void> {
    CALLBOARD_TRY(r.only({"name"}));
    return r.string("name", o.name);
  });
}

Result<ReleaseImportRequest> decode_release_import_request(std::string_view text, std::size_t max_bytes) {
  return decode<ReleaseImportRequest>(text, max_bytes, "release import request",
                                      [](const Reader& r, ReleaseImportRequest& o) -> Result<void> {
                                        CALLBOARD_TRY(r.only({"source"}));
                                        return r.string("source", o.source);
                                      });
}

Result<VerifyRequest> decode_verify_request(std::string_view text, std::size_t max_bytes) {
  return decode<VerifyRequest>(text, max_bytes, "verify request", [](const Reader& r, VerifyRequest& o) -> Result<void> {
    CALLBOARD_TRY(r.only({"package", "version", "keep", "store"}));
    CALLBOARD_TRY(r.string("package", o.package));
    CALLBOARD_TRY(r.string("version", o.version));
    CALLBOARD_TRY(r.path("keep", o.keep));
    std::optional<VerifyStore> store;
    CALLBOARD_TRY(r.optional_enum("store", store, parse_verify_store));
    if (store) o.store = *store;
    return {};
  });
}

Result<ChangelogRequest> decode_changelog_request(std::string_view text, std::size_t max_bytes) {
  return decode<ChangelogRequest>(text, max_bytes, "changelog request",
                                  [](const Reader& r, ChangelogRequest& o) -> Result<void> {
                                    CALLBOARD_TRY(r.only({"package", "from", "to", "prereleases"}));
                                    CALLBOARD_TRY(r.string("package", o.package));
                                    CALLBOARD_TRY(r.string("from", o.from));
                                    CALLBOARD_TRY(r.string("to", o.to));
                                    return r.boolean("prereleases", o.prereleases);
                                  });
}

}  // namespace callboard::codec
