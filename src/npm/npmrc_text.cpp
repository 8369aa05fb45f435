#include "npm/npmrc_text.hpp"

#include <array>
#include <charconv>
#include <cstdint>

namespace callboard::npm_detail {
namespace {

// JavaScript's String.prototype.trim and /\s/ treat these as white space;
// ini trims keys and values with them, so a UTF-8 byte-order mark or a
// no-break space around a value is dropped by npm too. Returns the byte
// length of the white-space character at `i`, or 0.
std::size_t js_space_at(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return 1;
  if (c < 0xC2) return 0;
  auto byte = [&](std::size_t k) -> unsigned {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u;
  };
  if (c == 0xC2 && byte(1) == 0xA0) return 2;                     // U+00A0
  if (c == 0xE1 && byte(1) == 0x9A && byte(2) == 0x80) return 3;  // U+1680
  if (c == 0xE2 && byte(1) == 0x80) {
    const unsigned b = byte(2);
    if ((b >= 0x80 && b <= 0x8A) || b == 0xA8 || b == 0xA9 || b == 0xAF)
      return 3;  // U+2000..200A, 2028, 2029, 202F
  }
  if (c == 0xE2 && byte(1) == 0x81 && byte(2) == 0x9F) return 3;  // U+205F
  if (c == 0xE3 && byte(1) == 0x80 && byte(2) == 0x80) return 3;  // U+3000
  if (c == 0xEF && byte(1) == 0xBB && byte(2) == 0xBF) return 3;  // U+FEFF
  return 0;
}

// The byte length of the white-space character ending just before `end`.
std::size_t js_space_before(std::string_view s, std::size_t end) {
  for (std::size_t len = 1; len <= 3 && len <= end; ++len) {
    if (js_space_at(s, end - len) == len) return len;
  }
  return 0;
}

}  // namespace

std::string_view js_trim(std::string_view s) {
  std::size_t b = 0;
  while (b < s.size()) {
    const std::size_t n = js_space_at(s, b);
    if (n == 0) break;
    b += n;
  }
  std::size_t e = s.size();
  while (e > b) {
    const std::size_t n = js_space_before(s, e);
    if (n == 0 || e - n < b) break;
    e -= n;
  }
  return s.substr(b, e - b);
}

namespace {

bool blank_or_comment(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size()) {
    const std::size_t n = js_space_at(line, i);
    if (n == 0) break;
    i += n;
  }
  return i == line.size() || line[i] == ';' || line[i] == '#';
}

// JavaScript's `.` does not match U+2028/U+2029, so ini's `=(.*)$` fails on
// a value containing them and the whole line is skipped.
bool has_js_line_terminator(std::string_view s) {
  return s.find("\xE2\x80\xA8") != std::string_view::npos ||
         s.find("\xE2\x80\xA9") != std::string_view::npos;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::optional<std::uint32_t> hex4(std::string_view s, std::size_t i) {
  if (i + 4 > s.size()) return std::nullopt;
  std::uint32_t v = 0;
  for (std::size_t k = i; k < i + 4; ++k) {
    const char c = s[k];
    v <<= 4;
    if (c >= '0' && c <= '9') {
      v |= static_cast<std::uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v |= static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      v |= static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
  }
  return v;
}

// JSON.parse of text that must be exactly one JSON string literal (JSON
// white space around it allowed); nullopt otherwise.
std::optional<std::string> json_string(std::string_view s) {
  auto json_ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && json_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && json_ws(s.back())) s.remove_suffix(1);
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::nullopt;
  std::string out;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    const char c = s[i];
    if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
    if (c == '"') return std::nullopt;  // the literal ended before the last quote
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;  // a backslash escaping the closing quote
    const char e = s[++i];
    switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        auto cp = hex4(s, i + 1);
        if (!cp || i + 5 > s.size() - 1) return std::nullopt;
        i += 4;
        std::uint32_t code = *cp;
        if (code >= 0xD800 && code <= 0xDBFF && i + 6 < s.size() && s[i + 1] == '\\' &&
            s[i + 2] == 'u') {
          if (auto low = hex4(s, i + 3); low && *low >= 0xDC00 && *low <= 0xDFFF) {
            code = 0x10000 + ((code - 0xD800) << 10) + (*low - 0xDC00);
            i += 6;
          }
        }
        // A lone surrogate has no UTF-8 form; U+FFFD is what node prints for it.
        if (code >= 0xD800 && code <= 0xDFFF) code = 0xFFFD;
        append_utf8(out, code);
        break;
      }
      default: return std::nullopt;
    }
  }
  return out;
}

bool is_scheme_char(char c, bool first) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (first) return alpha;
  return alpha || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view default_port(std::string_view scheme) {
  if (scheme == "http" || scheme == "ws") return "80";
  if (scheme == "https" || scheme == "wss") return "443";
  if (scheme == "ftp") return "21";
  return {};
}

// WHATWG's path normalisation for the part npm's nerf-darting sees:
// "." segments vanish and ".." removes its parent.
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 1;  // path starts with '/'
  bool trailing_slash = false;
  while (i <= path.size()) {
    const std::size_t slash = std::min(path.find('/', i), path.size());
    const std::string_view seg = path.substr(i, slash - i);
    const bool last = slash == path.size();
    const std::string lower = lower_ascii(seg);
    if (lower == "." || lower == "%2e") {
      trailing_slash = last;
    } else if (lower == ".." || lower == ".%2e" || lower == "%2e." || lower == "%2e%2e") {
      if (!out.empty()) out.pop_back();
      trailing_slash = last;
    } else {
      out.push_back(seg);
      trailing_slash = false;
    }
    i = slash + 1;
  }
  std::string result;
  for (const auto seg : out) {
    result += '/';
    result += seg;
  }
  if (trailing_slash || result.empty()) result += '/';
  return result;
}

}  // namespace

std::string ini_unsafe(std::string_view raw) {
  const std::string_view val = js_trim(raw);
  const bool dq = !val.empty() && val.front() == '"' && val.back() == '"';
  const bool sq = !val.empty() && val.front() == '\'' && val.back() == '\'';
  if (dq || sq) {
    std::string_view inner = val;
    if (sq) inner = val.size() >= 2 ? val.substr(1, val.size() - 2) : std::string_view{};
    if (auto decoded = json_string(inner)) return *decoded;
    // JSON.parse failed (or produced a number, boolean, ...): ini keeps the
    // text, minus the single quotes it already removed.
    return std::string(inner);
  }
  std::string out;
  bool esc = false;
  for (const char c : val) {
    if (esc) {
      if (c == '\\' || c == ';' || c == '#') {
        out += c;
      } else {
        out += '\\';
        out += c;
      }
      esc = false;
    } else if (c == ';' || c == '#') {
      break;
    } else if (c == '\\') {
      esc = true;
    } else {
      out += c;
    }
  }
  if (esc) out += '\\';
  return std::string(js_trim(out));
}

std::vector<IniEntry> parse_ini(std::string_view text, std::vector<IniProblem>& problems) {
  std::vector<IniEntry> entries;
  bool in_section = false;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    ++line_no;
    std::size_t end = pos;
    while (end < text.size() && text[end] != '\n' && text[end] != '\r') ++end;
    const std::string_view line = text.substr(pos, end - pos);
    // "\r\n" is one line break; ini's /[\r\n]+/ also merges blank lines,
    // which only changes numbering, not content.
    if (end < text.size() && text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n')
      ++end;
    pos = end + 1;

    if (line.empty() || blank_or_comment(line)) continue;
    if (line.front() == '[') {
      // /^\[([^\]]*)\]\s*$/: a section header; everything after it belongs
      // to that section, which npm does not read as settings.
      const std::size_t close = line.find(']');
      if (close != std::string_view::npos) {
        const std::string_view after = line.substr(close + 1);
        if (js_trim(after).empty()) {
          in_section = true;
          continue;
        }
      }
    }
    if (in_section) continue;
    const std::size_t eq = line.find('=');
    if (eq == 0) {
      problems.push_back({line_no, "a line starting with '=' has no key"});
      continue;
    }
    if (eq != std::string_view::npos && has_js_line_terminator(line.substr(eq + 1))) continue;
    IniEntry entry;
    entry.line = line_no;
    std::string key = ini_unsafe(line.substr(0, eq));
    if (key.size() > 2 && key.ends_with("[]")) {
      entry.array = true;
      key.resize(key.size() - 2);
    }
    if (key == "__proto__") continue;
    entry.key = std::move(key);
    if (eq == std::string_view::npos) {
      entry.bare = true;
      entry.value = "true";
    } else {
      entry.value = ini_unsafe(line.substr(eq + 1));
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

Replaced env_replace(std::string_view text, const Getenv& getenv) {
  Replaced r;
  r.text.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '$' || i + 1 >= text.size() || text[i + 1] != '{') {
      r.text += text[i++];
      continue;
    }
    std::size_t j = i + 2;
    while (j < text.size() && text[j] != '$' && text[j] != '{' && text[j] != '}' && text[j] != '?')
      ++j;
    const std::size_t name_end = j;
    bool optional = false;
    if (j < text.size() && text[j] == '?') {
      optional = true;
      ++j;
    }
    if (name_end == i + 2 || j >= text.size() || text[j] != '}') {
      r.text += text[i++];
      continue;
    }
    const std::string_view name = text.substr(i + 2, name_end - (i + 2));
    const std::string_view whole = text.substr(i, j + 1 - i);
    // The backslashes right before '$' were copied already; take them back.
    std::size_t esc = 0;
    while (esc < r.text.size() && r.text[r.text.size() - 1 - esc] == '\\') ++esc;
    // Backslashes copied out of an earlier replacement value are not part of
    // the run npm sees; only count those that stand in the input.
    std::size_t in_input = 0;
    while (in_input < i && text[i - 1 - in_input] == '\\') ++in_input;
    esc = std::min(esc, in_input);
    r.text.resize(r.text.size() - esc);
    if (esc % 2 == 1) {
      r.text.append((esc - 1) / 2, '\\');
      r.text += whole;
    } else {
      r.text.append(esc / 2, '\\');
      std::optional<std::string> value = getenv ? getenv(name) : std::nullopt;
      if (value) {
        r.text += *value;
      } else if (!optional) {
        r.missing.emplace_back(name);
        r.text += "${";
        r.text += name;
        r.text += '}';
      }
    }
    i = j + 1;
  }
  return r;
}

std::optional<UrlParts> split_url(std::string_view url) {
  url = js_trim(url);
  std::size_t i = 0;
  while (i < url.size() && is_scheme_char(url[i], i == 0)) ++i;
  if (i == 0 || url.substr(i, 3) != "://") return std::nullopt;
  UrlParts parts;
  parts.scheme = lower_ascii(url.substr(0, i));
  std::size_t auth_begin = i + 3;
  std::size_t auth_end = url.find_first_of("/?#", auth_begin);
  if (auth_end == std::string_view::npos) auth_end = url.size();
  std::string_view authority = url.substr(auth_begin, auth_end - auth_begin);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    parts.userinfo = std::string(authority.substr(0, at));
    authority.remove_prefix(at + 1);
  }
  std::string_view host;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else {
    const std::size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (host.empty()) return std::nullopt;
  for (const char c : host) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == '<' || c == '>' || c == '\\' || c == '^' || c == '|' ||
        c == '@') {
      return std::nullopt;
    }
  }
  parts.host = lower_ascii(host);
  if (!port.empty()) {
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || ptr != port.data() + port.size() || value > 65535) return std::nullopt;
    parts.port = std::to_string(value);
    if (parts.port == default_port(parts.scheme)) parts.port.clear();
  }
  std::string_view tail = url.substr(auth_end);
  const std::size_t rest_at = tail.find_first_of("?#");
  std::string_view path = tail.substr(0, rest_at);
  if (rest_at != std::string_view::npos) parts.rest = std::string(tail.substr(rest_at));
  parts.path = path.empty() ? std::string("/") : remove_dot_segments(path);
  return parts;
}

bool is_http_url(std::string_view url) {
  const auto parts = split_url(url);
  return parts && (parts->scheme == "http" || parts->scheme == "https");
}

std::string redact_userinfo(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  const std::size_t start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  std::size_t auth_end = url.find_first_of("/?#", start);
  if (auth_end == std::string_view::npos) auth_end = url.size();
  const std::size_t at = url.substr(start, auth_end - start).rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, start));
  out += url.substr(start + at + 1);
  return out;
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const auto n = (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
                   (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                   static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  const std::size_t left = bytes.size() - i;
  if (left > 0) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (left == 2) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += left == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t symbols = 0;
  bool padding = false;
  for (const char c : text) {
    int v = -1;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '+' || c == '-') {
      v = 62;
    } else if (c == '/' || c == '_') {
      v = 63;
    } else if (c == '=') {
      padding = true;
      continue;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      continue;
    } else {
      return std::nullopt;
    }
    if (padding) return std::nullopt;  // data after '='
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    ++symbols;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  if (symbols % 4 == 1) return std::nullopt;
  return out;
}

}  // namespace callboard::npm_detail
