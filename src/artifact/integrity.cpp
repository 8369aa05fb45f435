// Subresource Integrity as npm's ssri reads and checks it.

#include <algorithm>
#include <array>
#include <string>

#include "artifact/base64.hpp"
#include "callboard/artifact.hpp"
#include "callboard/digest.hpp"

namespace callboard {
namespace {

constexpr std::size_t kMaxIntegrityBytes = 64u << 10;

struct AlgorithmInfo {
  std::string_view name;
  HashAlgorithm algorithm;
  std::size_t digest_bytes;
};
constexpr std::array<AlgorithmInfo, 4> kAlgorithms = {{
    {"sha1", HashAlgorithm::kSha1, 20},
    {"sha256", HashAlgorithm::kSha256, 32},
    {"sha384", HashAlgorithm::kSha384, 48},
    {"sha512", HashAlgorithm::kSha512, 64},
}};

DigestAlgorithm digest_algorithm(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::kSha1: return DigestAlgorithm::kSha1;
    case HashAlgorithm::kSha256: return DigestAlgorithm::kSha256;
    case HashAlgorithm::kSha384: return DigestAlgorithm::kSha384;
    case HashAlgorithm::kSha512: return DigestAlgorithm::kSha512;
  }
  return DigestAlgorithm::kSha512;
}

std::string cut(std::string_view text) {
  return text.size() <= 120 ? std::string(text) : std::string(text.substr(0, 120)) + "...";
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string tokens_of(const std::vector<const IntegrityHash*>& hashes) {
  std::string out;
  for (const IntegrityHash* h : hashes) {
    if (!out.empty()) out += ' ';
    out += std::string(to_string(h->algorithm)) + "-" + h->digest;
  }
  return out;
}

}  // namespace

std::string_view to_string(HashAlgorithm algorithm) noexcept {
  const auto index = static_cast<std::size_t>(algorithm);
  return index < kAlgorithms.size() ? kAlgorithms[index].name : std::string_view("unknown");
}

std::vector<const IntegrityHash*> Integrity::strongest() const {
  std::vector<const IntegrityHash*> out;
  const auto best = algorithm();
  if (!best) return out;
  for (const IntegrityHash& h : hashes) {
    if (h.algorithm == *best) out.push_back(&h);
  }
  return out;
}

std::optional<HashAlgorithm> Integrity::algorithm() const noexcept {
  std::optional<HashAlgorithm> best;
  for (const IntegrityHash& h : hashes) {
    if (!best || static_cast<int>(h.algorithm) > static_cast<int>(*best)) best = h.algorithm;
  }
  return best;
}

std::string Integrity::to_string() const {
  std::string out;
  for (const IntegrityHash& h : hashes) {
    if (!out.empty()) out += ' ';
    out += std::string(callboard::to_string(h.algorithm)) + "-" + h.digest;
    if (!h.options.empty()) out += "?" + h.options;
  }
  return out;
}

Result<Integrity> parse_integrity(std::string_view sri) {
  if (sri.size() > kMaxIntegrityBytes) {
    return make_error(ErrorCode::kResourceExhausted, "integrity string is larger than 64 KiB")
        .with("bytes", std::to_string(sri.size()));
  }
  Integrity out;
  std::size_t i = 0;
  while (i < sri.size()) {
    while (i < sri.size() && is_space(sri[i])) ++i;
    std::size_t end = i;
    while (end < sri.size() && !is_space(sri[end])) ++end;
    if (end == i) break;
    const std::string_view token = sri.substr(i, end - i);
    i = end;
    const auto dash = token.find('-');
    if (dash == std::string_view::npos) continue;
    const std::string_view name = token.substr(0, dash);
    const auto known = std::find_if(kAlgorithms.begin(), kAlgorithms.end(),
                                    [&](const AlgorithmInfo& a) { return a.name == name; });
    if (known == kAlgorithms.end()) continue;  // ssri skips algorithms it cannot check
    std::string_view rest = token.substr(dash + 1);
    std::string_view options;
    if (const auto q = rest.find('?'); q != std::string_view::npos) {
      options = rest.substr(q + 1);
      rest = rest.substr(0, q);
    }
    const auto raw = artifact_detail::decode_base64(rest);
    if (!raw || raw->size() != known->digest_bytes) {
      return make_error(ErrorCode::kInvalidArgument,
                        "integrity token '" + cut(token) + "' is not " + std::string(known->name) +
                            "- followed by the base64 of a " + std::to_string(known->digest_bytes) +
                            "-byte digest")
          .with("integrity", cut(sri));
    }
    // Canonical form: re-encode (accepts unpadded input, prints padded).
    out.hashes.push_back({known->algorithm, to_base64(*raw), std::string(options)});
  }
  if (out.hashes.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "integrity '" + cut(sri) + "' has no sha1, sha256, sha384 or sha512 hash")
        .with("integrity", cut(sri));
  }
  return out;
}

Result<Integrity> integrity_from_shasum(std::string_view hex) {
  std::string raw;
  if (hex.size() == 40) raw = artifact_detail::decode_hex(hex).value_or("");
  if (raw.size() != 20) {
    return make_error(ErrorCode::kInvalidArgument, "shasum '" + cut(hex) + "' is not 40 hex digits")
        .with("shasum", cut(hex));
  }
  Integrity out;
  out.hashes.push_back({HashAlgorithm::kSha1, to_base64(raw), {}});
  return out;
}

Result<Integrity> expected_integrity(const Manifest& manifest) {
  Result<Integrity> out = !manifest.dist.integrity.empty() ? parse_integrity(manifest.dist.integrity)
                          : !manifest.dist.shasum.empty()
                              ? integrity_from_shasum(manifest.dist.shasum)
                              : Result<Integrity>(make_error(ErrorCode::kFailedPrecondition,
                                                             "the registry gives no dist.integrity or "
                                                             "dist.shasum: the tarball cannot be verified"));
  if (!out) return std::move(out).error().with("package", manifest.name).with("version", manifest.version);
  return out;
}

Integrity compute_integrity(std::string_view bytes, HashAlgorithm algorithm) {
  Digest d(digest_algorithm(algorithm));
  d.update(bytes);
  Integrity out;
  out.hashes.push_back({algorithm, to_base64(d.finish()), {}});
  return out;
}

struct IntegrityVerifier::State {
  Integrity expected;
  std::optional<HashAlgorithm> algorithm;
  std::optional<Digest> digest;
  std::uint64_t size = 0;
  bool finished = false;
};

IntegrityVerifier::IntegrityVerifier(Integrity expected) : state_(std::make_unique<State>()) {
  state_->expected = std::move(expected);
  state_->algorithm = state_->expected.algorithm();
  if (state_->algorithm) state_->digest.emplace(digest_algorithm(*state_->algorithm));
}
IntegrityVerifier::~IntegrityVerifier() = default;
IntegrityVerifier::IntegrityVerifier(IntegrityVerifier&&) noexcept = default;
IntegrityVerifier& IntegrityVerifier::operator=(IntegrityVerifier&&) noexcept = default;

void IntegrityVerifier::update(std::string_view chunk) {
  state_->size += chunk.size();
  if (state_->digest && !state_->finished) state_->digest->update(chunk);
}

std::uint64_t IntegrityVerifier::size() const noexcept { return state_->size; }

Result<IntegrityHash> IntegrityVerifier::finish() {
  if (state_->finished) return make_error(ErrorCode::kFailedPrecondition, "integrity already checked");
  state_->finished = true;
  if (!state_->algorithm) {
    return make_error(ErrorCode::kDataLoss, "no expected integrity to check the bytes against");
  }
  IntegrityHash actual{*state_->algorithm, to_base64(state_->digest->finish()), {}};
  const auto candidates = state_->expected.strongest();
  for (const IntegrityHash* h : candidates) {
    if (h->digest == actual.digest) {
      actual.options = h->options;
      return actual;
    }
  }
  return make_error(ErrorCode::kDataLoss,
                    "integrity mismatch: the bytes hash to " + std::string(to_string(actual.algorithm)) + "-" +
                        actual.digest + ", expected " + tokens_of(candidates) +
                        " (the tarball was altered, truncated or replaced; it was not used)")
      .with("expected", tokens_of(candidates))
      .with("actual", std::string(to_string(actual.algorithm)) + "-" + actual.digest)
      .with("bytes", std::to_string(state_->size));
}

Result<IntegrityHash> verify_integrity(std::string_view bytes, const Integrity& expected) {
  IntegrityVerifier v(expected);
  v.update(bytes);
  return v.finish();
}

}  // namespace callboard
