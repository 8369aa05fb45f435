// Strict decoders of the product API's requests (docs/api/README.md): an
// unknown member or a member of the wrong type is an error naming it
// ("pointer"); absent members keep the request type's defaults.

#include <string>
#include <utility>

#include "callboard/codec.hpp"
#include "codec/reader.hpp"

namespace callboard::codec {
namespace {

using detail::Reader;
using detail::decode;

}  // namespace

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
