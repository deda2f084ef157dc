#include "core/web/mime.hpp"

#include <fmt/format.h>

#include <ctime>

namespace passerelle::mime {
namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    auto n = (std::uint32_t(std::uint8_t(data[i])) << 16) | (std::uint32_t(std::uint8_t(data[i + 1])) << 8) |
             std::uint8_t(data[i + 2]);
    out += kBase64[n >> 18];
    out += kBase64[(n >> 12) & 63];
    out += kBase64[(n >> 6) & 63];
    out += kBase64[n & 63];
  }
  if (i < data.size()) {
    std::uint32_t n = std::uint32_t(std::uint8_t(data[i])) << 16;
    if (i + 1 < data.size()) n |= std::uint32_t(std::uint8_t(data[i + 1])) << 8;
    out += kBase64[n >> 18];
    out += kBase64[(n >> 12) & 63];
    out += i + 1 < data.size() ? kBase64[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool plain_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  // An ASCII text that looks like an encoded word must be encoded too.
  return s.find("=?") == std::string_view::npos;
}

// Length of the UTF-8 sequence that starts with `c` (1 for a stray byte).
std::size_t utf8_length(unsigned char c) {
  if (c >= 0xf0) return 4;
  if (c >= 0xe0) return 3;
  if (c >= 0xc0) return 2;
  return 1;
}

// A header line "Name: value" folded before 78 characters at spaces (the
// encoded words are separated by spaces).
std::string header(std::string_view name, std::string_view value) {
  std::string out = std::string(name) + ": ";
  std::size_t line = out.size();
  std::size_t i = 0;
  while (i < value.size()) {
    auto sp = value.find(' ', i + 1);
    if (sp == std::string_view::npos) sp = value.size();
    auto word = value.substr(i, sp - i);  // starts with the space that separates it, except the first
    if (line + word.size() > 76 && line > name.size() + 2 && word.front() == ' ') {
      out += "\r\n";
      line = 0;
    }
    out += word;
    line += word.size();
    i = sp;
  }
  return out + "\r\n";
}

std::string random_part(std::string_view seed, int n) { return fmt::format("=_{}_{}", seed, n); }

std::string text_part(std::string_view subtype, std::string_view body) {
  return fmt::format("Content-Type: text/{}; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n{}",
                     subtype, quoted_printable(body));
}

// A parameter value in quotes (filenames stay ASCII-safe: RFC 2231 is
// overkill for our "evenement.ics").
std::string quoted_param(std::string_view v) {
  std::string out = "\"";
  for (unsigned char c : v) out += (c == '"' || c == '\\' || c < 0x20 || c > 0x7e) ? '_' : char(c);
  return out + "\"";
}

std::string attachment_part(const Attachment& a) {
  return fmt::format(
      "Content-Type: {};\r\n name={}\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; "
      "filename={}\r\n\r\n{}",
      a.content_type, quoted_param(a.filename), quoted_param(a.filename), base64_lines(a.data));
}

std::string multipart(std::string_view subtype, const std::string& boundary, const std::vector<std::string>& parts) {
  std::string out = fmt::format("Content-Type: multipart/{}; boundary=\"{}\"\r\n\r\n", subtype, boundary);
  for (auto& p : parts) out += "--" + boundary + "\r\n" + p + "\r\n";
  return out + "--" + boundary + "--\r\n";
}

}  // namespace

std::string encode_word(std::string_view s) {
  if (plain_ascii(s)) return std::string(s);
  // "=?UTF-8?B?" + 4·n/3 + "?=": 39 bytes give 64 characters, so that even the
  // first word after "Subject: " keeps its line under 78; cut between characters.
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t end = i;
    while (end < s.size() && end + utf8_length(static_cast<unsigned char>(s[end])) - i <= 39)
      end += utf8_length(static_cast<unsigned char>(s[end]));
    if (end == i) end = std::min(s.size(), i + 1);
    if (!out.empty()) out += ' ';
    out += "=?UTF-8?B?" + base64(s.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string address(std::string_view raw_addr, std::string_view name) {
  // An address is one token: no space, control character or angle bracket may
  // slip a header line in (the contacts' addresses are typed by people).
  std::string addr;
  for (unsigned char c : raw_addr)
    if (c > 0x20 && c != 0x7f && c != '<' && c != '>') addr += char(c);
  if (name.empty()) return addr;
  std::string shown;
  if (!plain_ascii(name)) {
    shown = encode_word(name);
  } else if (name.find_first_of("()<>[]:;@\\,.\"") != std::string_view::npos) {
    shown = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') shown += '\\';
      shown += c;
    }
    shown += "\"";
  } else {
    shown = std::string(name);
  }
  return shown + " <" + addr + ">";
}

std::string quoted_printable(std::string_view text) {
  std::string out;
  std::string line;  // the encoded current line
  auto flush_line = [&](bool hard) {
    // A space or tab at the end of a line would be lost in transport.
    if (hard && !line.empty() && (line.back() == ' ' || line.back() == '\t')) {
      char c = line.back();
      line.pop_back();
      line += fmt::format("={:02X}", static_cast<unsigned char>(c));
      if (line.size() > 76) {
        out += line.substr(0, line.size() - 3) + "=\r\n";
        line = line.substr(line.size() - 3);
      }
    }
    out += line + (hard ? "\r\n" : "=\r\n");
    line.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (c == '\n') {
      flush_line(true);
      continue;
    }
    // A character (all bytes of a UTF-8 sequence) is never cut by a soft break.
    std::string enc;
    std::size_t n = c >= 0x80 ? std::min(utf8_length(c), text.size() - i) : 1;
    for (std::size_t k = 0; k < n; ++k) {
      unsigned char b = static_cast<unsigned char>(text[i + k]);
      if ((b >= 33 && b <= 126 && b != '=') || b == ' ' || b == '\t') enc += char(b);
      else enc += fmt::format("={:02X}", b);
    }
    i += n - 1;
    // Leading dot: some relays strip it (SMTP transparency done twice).
    if (line.empty() && enc == ".") enc = "=2E";
    if (line.size() + enc.size() > 75) flush_line(false);
    line += enc;
  }
  if (!line.empty()) flush_line(true);
  return out;
}

std::string base64_lines(std::string_view data) {
  auto b = base64(data);
  std::string out;
  for (std::size_t i = 0; i < b.size(); i += 76) out += b.substr(i, 76) + "\r\n";
  return out;
}

std::string rfc5322_date(std::int64_t unix_time) {
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = unix_time;
  std::tm d{};
  gmtime_r(&t, &d);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", days[d.tm_wday], d.tm_mday, months[d.tm_mon],
                     d.tm_year + 1900, d.tm_hour, d.tm_min, d.tm_sec);
}

std::string build(const Message& m) {
  std::string out;
  out += header("From", address(m.from_address, m.from_name));
  out += header("To", address(m.to_address, m.to_name));
  out += header("Subject", encode_word(m.subject));
  out += header("Date", rfc5322_date(m.date));
  out += header("Message-ID", "<" + m.message_id + ">");
  for (auto& [k, v] : m.extra_headers) out += header(k, v);
  out += "MIME-Version: 1.0\r\n";
  std::string body = m.html.empty() ? text_part("plain", m.text)
                                    : multipart("alternative", random_part(m.boundary_seed, 2),
                                                {text_part("plain", m.text), text_part("html", m.html)});
  if (m.attachments.empty()) return out + body;
  std::vector<std::string> parts{body};
  for (auto& a : m.attachments) parts.push_back(attachment_part(a));
  return out + multipart("mixed", random_part(m.boundary_seed, 1), parts);
}

}  // namespace passerelle::mime
