// Strict decoders of the product API's requests (docs/api/README.md): an
// unknown member or a member of the wrong type is an error naming it
// ("pointer"); absent members keep the request type's defaults.

#include <boost/json.hpp>

#include <limits>
#include <string>
#include <utility>

#include "callboard/codec.hpp"

namespace callboard::codec {
namespace {

namespace json = boost::json;

/// Reads one request object member by member.
class Reader {
 public:
  Reader(const json::object& object, std::string_view what) : object_(object), what_(what) {}

  Error error(std::string_view member, std::string message) const {
    return make_error(ErrorCode::kInvalidArgument, std::string(what_) + ": " + std::move(message))
        .with("pointer", "/" + std::string(member));
  }

  /// Every member must be one of `known`.
  Result<void> only(std::initializer_list<std::string_view> known) const {
    for (const auto& member : object_) {
      bool found = false;
      for (std::string_view k : known) found = found || member.key() == k;
      if (!found) return error(member.key(), "unknown member '" + std::string(member.key()) + "'");
    }
    return {};
  }

  Result<void> string(std::string_view key, std::string& into) const {
    const json::value* v = object_.if_contains(key);
    if (v == nullptr) return {};
    if (!v->is_string()) return error(key, std::string(key) + " must be a string");
    into = std::string(v->as_string());
    return {};
  }
  Result<void> path(std::string_view key, std::filesystem::path& into) const {
    std::string text = into.string();
    if (auto r = string(key, text); !r) return r;
    into = text;
    return {};
  }
  Result<void> boolean(std::string_view key, bool& into) const {
    const json::value* v = object_.if_contains(key);
    if (v == nullptr) return {};
    if (!v->is_bool()) return error(key, std::string(key) + " must be true or false");
    into = v->as_bool();
    return {};
  }
  Result<void> count(std::string_view key, std::size_t& into) const {
    const json::value* v = object_.if_contains(key);
    if (v == nullptr) return {};
    if (v->is_uint64()) {
      into = static_cast<std::size_t>(v->as_uint64());
      return {};
    }
    if (v->is_int64() && v->as_int64() >= 0) {
      into = static_cast<std::size_t>(v->as_int64());
      return {};
    }
    return error(key, std::string(key) + " must be a whole number from 0");
  }
  Result<void> strings(std::string_view key, std::vector<std::string>& into) const {
    const json::value* v = object_.if_contains(key);
    if (v == nullptr) return {};
    if (!v->is_array()) return error(key, std::string(key) + " must be an array of strings");
    into.clear();
    for (const json::value& item : v->as_array()) {
      if (!item.is_string()) return error(key, std::string(key) + " must be an array of strings");
      into.emplace_back(item.as_string());
    }
    return {};
  }
  /// A string member parsed by `parse` (nullopt: not one of the values), or null.
  template <typename T, typename Parse>
  Result<void> optional_enum(std::string_view key, std::optional<T>& into, Parse parse) const {
    const json::value* v = object_.if_contains(key);
    if (v == nullptr || v->is_null()) return {};
    if (!v->is_string()) return error(key, std::string(key) + " must be a string or null");
    auto parsed = parse(std::string_view(v->as_string()));
    if (!parsed) return error(key, std::string(key) + " has an unknown value '" + std::string(v->as_string()) + "'");
    into = *parsed;
    return {};
  }

 private:
  const json::object& object_;
  std::string_view what_;
};

/// Parses `text` as one JSON object and hands it to `read`.
template <typename T, typename Read>
Result<T> decode(std::string_view text, std::size_t max_bytes, std::string_view what, Read read) {
  if (text.size() > max_bytes) {
    return make_error(ErrorCode::kResourceExhausted, std::string(what) + " is larger than the limit")
        .with("bytes", std::to_string(text.size()))
        .with("limit", std::to_string(max_bytes));
  }
  try {
    json::parse_options options;
    options.max_depth = 16;
    boost::system::error_code ec;
    json::value value = json::parse(text, ec, {}, options);
    if (ec) {
      return make_error(ErrorCode::kInvalidArgument, std::string(what) + " is not valid JSON: " + ec.message());
    }
    if (!value.is_object()) {
      return make_error(ErrorCode::kInvalidArgument, std::string(what) + " must be a JSON object")
          .with("pointer", "");
    }
    T out;
    Reader reader(value.as_object(), what);
    if (auto r = read(reader, out); !r) return std::move(r).error();
    return out;
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::kResourceExhausted, std::string(what) + ": out of memory");
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInvalidArgument, std::string(what) + ": " + e.what());
  }
}

#define CALLBOARD_TRY(expr)              \
  do {                                   \
    if (auto r_ = (expr); !r_) return r_; \
  } while (false)

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
