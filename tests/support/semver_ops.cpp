#include "semver_ops.hpp"

#include <array>
#include <stdexcept>
#include <utility>
#include <vector>

namespace callboard::test {
namespace json = boost::json;
namespace sv = callboard::semver;

namespace {

constexpr std::array<std::pair<std::string_view, SemverOp>, 16> kOps = {{
    {"satisfies", SemverOp::kSatisfies},
    {"valid", SemverOp::kValid},
    {"clean", SemverOp::kClean},
    {"validRange", SemverOp::kValidRange},
    {"compare", SemverOp::kCompare},
    {"compareBuild", SemverOp::kCompareBuild},
    {"maxSatisfying", SemverOp::kMaxSatisfying},
    {"minSatisfying", SemverOp::kMinSatisfying},
    {"minVersion", SemverOp::kMinVersion},
    {"subset", SemverOp::kSubset},
    {"intersects", SemverOp::kIntersects},
    {"gtr", SemverOp::kGtr},
    {"ltr", SemverOp::kLtr},
    {"inc", SemverOp::kInc},
    {"diff", SemverOp::kDiff},
    {"coerce", SemverOp::kCoerce},
}};

bool truthy(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return false;
  if (v->is_bool()) return v->as_bool();
  if (v->is_int64()) return v->as_int64() != 0;
  if (v->is_uint64()) return v->as_uint64() != 0;
  if (v->is_double()) return v->as_double() != 0;
  if (v->is_string()) return !v->as_string().empty();
  return !v->is_null();
}

std::string_view arg(const json::array& args, std::size_t i) {
  if (i >= args.size() || !args[i].is_string()) {
    throw std::invalid_argument("argument " + std::to_string(i) + " must be a string");
  }
  const auto& s = args[i].as_string();
  return {s.data(), s.size()};
}

json::value opt_string(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return json::value(*s);
}

json::value opt_version(const std::optional<sv::Version>& v) {
  if (!v) return nullptr;
  return json::value(v->to_string_with_build());
}

std::int64_t sign(std::weak_ordering o) {
  return o < 0 ? -1 : o > 0 ? 1 : 0;
}
std::int64_t sign(std::strong_ordering o) {
  return o < 0 ? -1 : o > 0 ? 1 : 0;
}

}  // namespace

bool parse_semver_op(std::string_view name, SemverOp& op) {
  for (const auto& [n, o] : kOps) {
    if (n == name) {
      op = o;
      return true;
    }
  }
  return false;
}

std::string_view semver_op_name(SemverOp op) {
  for (const auto& [n, o] : kOps) {
    if (o == op) return n;
  }
  return "?";
}

sv::Options options_from_json(const json::object& opts) {
  sv::Options o;
  o.loose = truthy(opts, "loose");
  o.include_prerelease = truthy(opts, "includePrerelease");
  return o;
}

sv::CoerceOptions coerce_options_from_json(const json::object& opts) {
  sv::CoerceOptions o;
  o.rtl = truthy(opts, "rtl");
  o.include_prerelease = truthy(opts, "includePrerelease");
  o.loose = truthy(opts, "loose");
  return o;
}

const sv::Range* RangeCache::get(std::string_view text, sv::Options options) {
  std::string key;
  key.reserve(text.size() + 2);
  key.push_back(options.loose ? 'L' : '-');
  key.push_back(options.include_prerelease ? 'P' : '-');
  key.append(text);
  auto it = map_.find(key);
  if (it == map_.end()) {
    auto r = sv::Range::parse(text, options);
    it = map_.emplace(std::move(key), r ? std::optional<sv::Range>(std::move(r).value()) : std::nullopt).first;
  }
  return it->second ? &*it->second : nullptr;
}

json::value evaluate(SemverOp op, const json::array& args, const json::object& opts, RangeCache* cache) {
  const sv::Options o = options_from_json(opts);
  if (cache != nullptr) cache->trim();
  // A parsed range from the cache, or parsed here (kept in `local`).
  std::optional<sv::Range> local[2];
  auto range = [&](std::size_t i, int slot) -> const sv::Range* {
    if (cache != nullptr) return cache->get(arg(args, i), o);
    auto r = sv::Range::parse(arg(args, i), o);
    if (!r) return nullptr;
    local[slot] = std::move(r).value();
    return &*local[slot];
  };
  switch (op) {
    case SemverOp::kSatisfies: {
      if (cache == nullptr) return sv::satisfies(arg(args, 0), arg(args, 1), o);
      const sv::Range* r = range(1, 0);
      return r != nullptr && r->satisfied_by(arg(args, 0));
    }
    case SemverOp::kValid:
      return opt_string(sv::valid(arg(args, 0), o));
    case SemverOp::kClean:
      return opt_string(sv::clean(arg(args, 0), o));
    case SemverOp::kValidRange: {
      // Range::to_string() is documented as exactly validRange's answer.
      if (cache == nullptr) return opt_string(sv::valid_range(arg(args, 0), o));
      const sv::Range* r = range(0, 0);
      if (r == nullptr) return nullptr;
      return json::value(r->to_string());
    }
    case SemverOp::kCompare:
    case SemverOp::kCompareBuild: {
      auto a = sv::Version::parse(arg(args, 0), o);
      auto b = sv::Version::parse(arg(args, 1), o);
      if (!a || !b) return nullptr;
      return op == SemverOp::kCompare ? sign(*a <=> *b) : sign(sv::compare_build(*a, *b));
    }
    case SemverOp::kMaxSatisfying:
    case SemverOp::kMinSatisfying: {
      if (args.empty() || !args[0].is_array()) throw std::invalid_argument("versions must be an array");
      std::vector<std::string> list;
      for (const auto& v : args[0].as_array()) {
        if (!v.is_string()) throw std::invalid_argument("versions must be strings");
        list.emplace_back(v.as_string());
      }
      return opt_string(op == SemverOp::kMaxSatisfying ? sv::max_satisfying(list, arg(args, 1), o)
                                                       : sv::min_satisfying(list, arg(args, 1), o));
    }
    case SemverOp::kMinVersion: {
      const sv::Range* r = range(0, 0);
      if (r == nullptr) return nullptr;
      return opt_version(sv::min_version(*r));
    }
    case SemverOp::kSubset:
    case SemverOp::kIntersects: {
      const sv::Range* a = range(0, 0);
      const sv::Range* b = range(1, 1);
      if (a == nullptr || b == nullptr) return nullptr;
      return op == SemverOp::kSubset ? sv::subset(*a, *b) : sv::intersects(*a, *b);
    }
    case SemverOp::kGtr:
    case SemverOp::kLtr: {
      auto v = sv::Version::parse(arg(args, 0), o);
      const sv::Range* r = range(1, 0);
      if (!v || r == nullptr) return nullptr;
      return op == SemverOp::kGtr ? sv::gtr(*v, *r) : sv::ltr(*v, *r);
    }
    case SemverOp::kInc: {
      auto v = sv::Version::parse(arg(args, 0), o);
      if (!v) return nullptr;
      auto release = sv::parse_release_type(arg(args, 1));
      if (!release) return nullptr;
      std::string_view identifier;
      if (args.size() > 2 && args[2].is_string()) identifier = arg(args, 2);
      // node: `identifierBase === false` -> no number; `Number(base) ? 1 : 0`.
      sv::IdentifierBase base = sv::IdentifierBase::kZero;
      if (args.size() > 3) {
        const auto& b = args[3];
        if (b.is_bool() && !b.as_bool()) {
          base = sv::IdentifierBase::kNone;
        } else if (b.is_string() && b.as_string() == "1") {
          base = sv::IdentifierBase::kOne;
        } else if ((b.is_int64() && b.as_int64() == 1)) {
          base = sv::IdentifierBase::kOne;
        }
      }
      auto r = sv::inc(*v, *release, identifier, base, o);
      if (!r) return nullptr;
      return json::value(r->to_string());
    }
    case SemverOp::kDiff: {
      auto a = sv::Version::parse(arg(args, 0));
      auto b = sv::Version::parse(arg(args, 1));
      if (!a || !b) return nullptr;
      auto d = sv::diff(*a, *b);
      if (!d) return nullptr;
      return json::value(std::string(sv::to_string(*d)));
    }
    case SemverOp::kCoerce:
      return opt_version(sv::coerce(arg(args, 0), coerce_options_from_json(opts)));
  }
  throw std::invalid_argument("unknown op");
}

std::string show(const json::value& v) {
  std::string s = json::serialize(v);
  if (s.size() > 300) s = s.substr(0, 297) + "...";
  return s;
}

}  // namespace callboard::test
