#pragma once
/// \file
/// Message digests for content hashes (sync state) and Subresource Integrity
/// (tarballs), with their hex and base64 spellings. Owned by the core module;
/// OpenSSL's EVP stays inside src/core/digest.cpp.
///
/// Thread-safety: the free functions are reentrant; a Digest is used by one
/// thread at a time. Errors are exceptions, not values, because none is
/// recoverable: std::bad_alloc, and std::runtime_error from the constructor
/// when OpenSSL lacks a built-in digest.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "callboard/export.hpp"

namespace callboard {

/// The hash functions npm integrity strings and our content hashes use.
enum class DigestAlgorithm : std::uint8_t { kSha1, kSha256, kSha384, kSha512 };

/// Incremental hashing: update() any number of times, then finish() once.
class CALLBOARD_EXPORT Digest {
 public:
  explicit Digest(DigestAlgorithm algorithm);
  ~Digest();
  Digest(Digest&&) noexcept;
  Digest& operator=(Digest&&) noexcept;
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  void update(std::string_view bytes);
  /// The raw digest bytes. The object cannot be updated afterwards.
  std::string finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Lowercase hex of `bytes`.
CALLBOARD_EXPORT std::string to_hex(std::string_view bytes);
/// Standard base64 (RFC 4648, with padding) of `bytes`.
CALLBOARD_EXPORT std::string to_base64(std::string_view bytes);
/// Hex SHA-256 of `bytes`.
CALLBOARD_EXPORT std::string sha256_hex(std::string_view bytes);

}  // namespace callboard
