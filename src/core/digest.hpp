#pragma once
// Message digests for content hashes (sync state) and Subresource Integrity
// (tarballs). OpenSSL's EVP stays inside src/core/digest.cpp.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace callboard::detail {

enum class DigestAlgorithm : std::uint8_t { kSha1, kSha256, kSha384, kSha512 };

/// Incremental hashing: update() any number of times, then finish() once.
class Digest {
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

std::string to_hex(std::string_view bytes);
std::string to_base64(std::string_view bytes);
/// Hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

}  // namespace callboard::detail
