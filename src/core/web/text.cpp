#include "core/web/text.hpp"

#include <array>
#include <cstdint>

namespace passerelle::text {

namespace {

// Decodes one well-formed UTF-8 sequence starting at s[i] (Unicode 15, table
// 3-7). Returns its length in bytes and the code point, or 0 when the bytes at
// s[i] are not a well-formed sequence.
std::size_t decode(std::string_view s, std::size_t i, char32_t& cp) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  auto continuation = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return k < s.size() && byte(k) >= lo && byte(k) <= hi;
  };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  if (b0 >= 0xC2 && b0 <= 0xDF) {  // C0 and C1 would be overlong
    if (!continuation(i + 1)) return 0;
    cp = (char32_t(b0 & 0x1F) << 6) | (byte(i + 1) & 0x3F);
    return 2;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    // E0 needs A0..BF (no overlong), ED needs 80..9F (no surrogates D800..DFFF).
    const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;
    if (!continuation(i + 1, lo, hi) || !continuation(i + 2)) return 0;
    cp = (char32_t(b0 & 0x0F) << 12) | (char32_t(byte(i + 1) & 0x3F) << 6) | (byte(i + 2) & 0x3F);
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    // F0 needs 90..BF (no overlong), F4 needs 80..8F (nothing above U+10FFFF).
    const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;
    if (!continuation(i + 1, lo, hi) || !continuation(i + 2) || !continuation(i + 3)) return 0;
    cp = (char32_t(b0 & 0x07) << 18) | (char32_t(byte(i + 1) & 0x3F) << 12) |
         (char32_t(byte(i + 2) & 0x3F) << 6) | (byte(i + 3) & 0x3F);
    return 4;
  }
  return 0;  // stray continuation byte, C0/C1, F5..FF
}

// Folded form of U+00C0..U+017F (Latin-1 Supplement letters and Latin
// Extended-A); nullptr keeps the character (× and ÷).
constexpr char32_t kFoldFirst = 0xC0;
constexpr std::array<const char*, 0x180 - 0xC0> kFold = {
    // U+00C0 ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏ
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    // U+00D0 ÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞß
    "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "ss",
    // U+00E0 àáâãäåæçèéêëìíîï
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    // U+00F0 ðñòóôõö÷øùúûüýþÿ
    "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "y",
    // U+0100 ĀāĂăĄąĆćĈĉĊċČčĎď
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
    // U+0110 ĐđĒēĔĕĖėĘęĚěĜĝĞğ
    "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
    // U+0120 ĠġĢģĤĥĦħĨĩĪīĬĭĮį
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
    // U+0130 İıĲĳĴĵĶķĸĹĺĻļĽľĿ
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
    // U+0140 ŀŁłŃńŅņŇňŉŊŋŌōŎŏ
    "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
    // U+0150 ŐőŒœŔŕŖŗŘřŚśŜŝŞş
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
    // U+0160 ŠšŢţŤťŦŧŨũŪūŬŭŮů
    "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
    // U+0170 ŰűŲųŴŵŶŷŸŹźŻżŽžſ
    "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
};

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  char32_t cp = 0;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = decode(s, i, cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string fold(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  char32_t cp = 0;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = decode(s, i, cp);
    if (n == 0) {  // malformed byte: kept as is, callers validate beforehand
      out += s[i++];
      continue;
    }
    if (cp < 0x80) {
      out += (cp >= 'A' && cp <= 'Z') ? static_cast<char>(cp - 'A' + 'a') : static_cast<char>(cp);
    } else if (cp >= kFoldFirst && cp < kFoldFirst + kFold.size() && kFold[cp - kFoldFirst]) {
      out += kFold[cp - kFoldFirst];
    } else if (cp == 0x2019 || cp == 0x2018 || cp == 0x02BC) {
      out += '\'';  // typographic apostrophes, as typed by word processors and phones
    } else if (cp >= 0x0300 && cp <= 0x036F) {
      // Combining accents: text pasted in decomposed form (NFD, e.g. from macOS)
      // writes "é" as "e" + U+0301; dropping the mark folds it like the NFC form.
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is_ascii_space(s[b])) ++b;
  while (e > b && is_ascii_space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

std::size_t length_utf8(std::string_view s) {
  // Counts every byte that does not continue a sequence: exact for valid
  // UTF-8, and never more than the byte count otherwise.
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace passerelle::text
