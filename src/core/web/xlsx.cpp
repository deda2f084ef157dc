#include "core/web/xlsx.hpp"

#include "core/web/text.hpp"

#include <xlsxwriter.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <stdexcept>

namespace passerelle::xlsx {

namespace {

constexpr std::size_t kMaxCellUnits = 32767;     // Excel: characters (UTF-16 units) per cell
constexpr std::size_t kMaxSheetNameUnits = 31;   // Excel: characters in a sheet name
constexpr double kMinColumnWidth = 8.43;         // Excel's default width
constexpr double kMaxColumnWidth = 60;
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// libxlsxwriter calls gmtime() (not thread-safe) while closing a workbook: one close at a time.
std::mutex close_mutex;

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("Export Excel impossible : " + what); }

void check(lxw_error err, const char* what) {
  if (err != LXW_NO_ERROR) fail(std::string(what) + " (" + lxw_strerror(err) + ")");
}

// Length of the well-formed UTF-8 sequence at s[i], 0 when the bytes there are malformed.
std::size_t sequence_at(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  const std::size_t n = b < 0x80 ? 1 : b < 0xC2 ? 0 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : b < 0xF5 ? 4 : 0;
  if (n == 0 || i + n > s.size() || !text::is_valid_utf8(s.substr(i, n))) return 0;
  return n;
}

// `s` made safe for a cell or a sheet name: malformed bytes and the XML-forbidden U+FFFE/U+FFFF
// become U+FFFD, and the text is cut (on a character boundary) at `max_units` UTF-16 units.
std::string excel_text(std::string_view s, std::size_t max_units) {
  const bool clean = s.size() <= max_units && text::is_valid_utf8(s) &&
                     s.find("\xEF\xBF\xBE") == std::string_view::npos &&
                     s.find("\xEF\xBF\xBF") == std::string_view::npos;
  if (clean) return std::string(s);  // every character is at least one byte: short enough
  std::string out;
  out.reserve(std::min(s.size(), max_units * 3));
  std::size_t units = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = sequence_at(s, i);
    std::string_view piece = s.substr(i, n);
    if (n == 0 || piece == "\xEF\xBF\xBE" || piece == "\xEF\xBF\xBF") {
      piece = kReplacement;
      n = std::max<std::size_t>(n, 1);
    }
    const std::size_t piece_units = piece.size() == 4 ? 2 : 1;  // astral planes take a surrogate pair
    if (units + piece_units > max_units) break;
    units += piece_units;
    out.append(piece);
    i += n;
  }
  return out;
}

// Excel reads "_xHHHH_" in cell text as the escape of the character U+HHHH; a literal one is
// kept by escaping its underscore ("_x005F_"). libxlsxwriter escapes control characters this way
// but leaves literal sequences alone.
std::string escape_literal_hex_escapes(std::string s) {
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
  for (std::size_t i = s.find("_x"); i != std::string::npos; i = s.find("_x", i + 1)) {
    if (i + 7 <= s.size() && hex(s[i + 2]) && hex(s[i + 3]) && hex(s[i + 4]) && hex(s[i + 5]) && s[i + 6] == '_') {
      s.insert(i + 1, "x005F_");
      i += 6;
    }
  }
  return s;
}

std::string sheet_name_for(std::string_view requested) {
  const std::string repaired = excel_text(requested, requested.size() + 1);  // repair only, no cut
  std::string name;
  for (const char c : repaired) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F) continue;
    name += std::string_view("[]:*?/\\").find(c) != std::string_view::npos ? '-' : c;
  }
  auto strip = [](std::string& s) {
    const auto edge = [](char c) { return c == ' ' || c == '\''; };
    while (!s.empty() && edge(s.back())) s.pop_back();
    std::size_t k = 0;
    while (k < s.size() && edge(s[k])) ++k;
    s.erase(0, k);
  };
  strip(name);
  name = excel_text(name, kMaxSheetNameUnits);
  strip(name);
  if (name.empty()) return "Feuille1";
  if (text::fold(name) == "history") return "History 1";  // reserved by Excel
  return name;
}

// "0", "42", "-7": integers without a leading zero, at most 15 digits (exact in a double, and
// what Excel shows without rounding). "007", "+3", "-0", "1.5" and SIRET numbers stay text.
bool is_integer(std::string_view s, long long& value) {
  const std::string_view digits = s.starts_with('-') ? s.substr(1) : s;
  if (digits.empty() || digits.size() > 15) return false;
  if (digits[0] == '0' && (digits.size() > 1 || digits.size() != s.size())) return false;
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  return std::from_chars(s.data(), s.data() + s.size(), value).ec == std::errc{};
}

// Width in characters of the longest line of `s`.
std::size_t display_width(std::string_view s) {
  std::size_t widest = 0;
  std::size_t current = 0;
  for (const char c : s) {
    if (c == '\n') {
      widest = std::max(widest, current);
      current = 0;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {  // not a continuation byte
      ++current;
    }
  }
  return std::max(widest, current);
}

std::string temp_dir() {
  const char* env = std::getenv("TMPDIR");
  std::string dir = (env && *env) ? env : "/tmp";
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

// Removes the file when it goes out of scope.
struct TempFile {
  std::string path;
  TempFile() = default;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!path.empty()) ::unlink(path.c_str());
  }
};

// Frees the workbook unless workbook_close() took it over.
struct WorkbookOwner {
  lxw_workbook* workbook = nullptr;
  WorkbookOwner() = default;
  WorkbookOwner(const WorkbookOwner&) = delete;
  WorkbookOwner& operator=(const WorkbookOwner&) = delete;
  ~WorkbookOwner() {
    if (workbook) lxw_workbook_free(workbook);
  }
};

}  // namespace

namespace {

struct Formats {
  lxw_format *header, *header_wrapped, *wrapped, *integer;
};

void write_sheet(lxw_workbook* wb, const Formats& f, std::string_view sheet_name,
                 const std::vector<std::vector<std::string>>& rows) {
  if (rows.size() > LXW_ROW_MAX) fail("plus de 1 048 576 lignes.");
  std::size_t columns = 0;
  for (const auto& row : rows) columns = std::max(columns, row.size());
  if (columns > LXW_COL_MAX) fail("plus de 16 384 colonnes.");

  const std::string name = sheet_name_for(sheet_name);
  lxw_worksheet* sheet = workbook_add_worksheet(wb, name.c_str());
  if (!sheet) fail("nom de feuille refusé : " + name);

  // A column is numeric when all its non-empty data cells are integers: one type per column
  // keeps sorting and filtering sane (Excel sorts numbers before text), and one postcode or
  // SIRET with a leading zero keeps the whole column as text.
  std::vector<char> numeric(columns, 1);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      long long ignored = 0;
      if (numeric[c] && !rows[r][c].empty() && !is_integer(rows[r][c], ignored)) numeric[c] = 0;
    }
  }

  // Column widths from the contents; the header also holds the autofilter button (about 3 characters).
  std::vector<std::size_t> widths(columns, 0);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      widths[c] = std::max(widths[c], display_width(rows[r][c]) + (r == 0 ? 3 : 0));
    }
  }
  for (std::size_t c = 0; c < columns; ++c) {
    const double width = std::clamp(static_cast<double>(widths[c]) + 2, kMinColumnWidth, kMaxColumnWidth);
    const auto col = static_cast<lxw_col_t>(c);
    check(worksheet_set_column(sheet, col, col, width, nullptr), "largeur de colonne");
  }

  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto row = static_cast<lxw_row_t>(r);
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const std::string& value = rows[r][c];
      if (value.empty()) continue;
      const auto col = static_cast<lxw_col_t>(c);
      long long number = 0;
      if (r > 0 && numeric[c] && is_integer(value, number)) {
        check(worksheet_write_number(sheet, row, col, static_cast<double>(number), f.integer), "écriture d'un nombre");
        continue;
      }
      const bool multiline = value.find('\n') != std::string::npos;
      lxw_format* format = r == 0 ? (multiline ? f.header_wrapped : f.header) : (multiline ? f.wrapped : nullptr);
      const std::string cell = escape_literal_hex_escapes(excel_text(value, kMaxCellUnits));
      check(worksheet_write_string(sheet, row, col, cell.c_str(), format), "écriture d'un texte");
    }
  }

  if (!rows.empty()) {
    worksheet_freeze_panes(sheet, 1, 0);
    if (!rows[0].empty()) {
      check(worksheet_autofilter(sheet, 0, 0, static_cast<lxw_row_t>(rows.size() - 1),
                                 static_cast<lxw_col_t>(rows[0].size() - 1)),
            "filtre automatique");
    }
  }
}

}  // namespace

std::string workbook(std::string_view sheet_name, const std::vector<std::vector<std::string>>& rows) {
  return workbook({Sheet{std::string(sheet_name), rows}});
}

std::string workbook(const std::vector<Sheet>& sheets) {
  std::string dir = temp_dir();
  TempFile file;
  {
    std::string pattern = dir + "/passerelle-XXXXXX.xlsx";
    const int fd = ::mkstemps(pattern.data(), 5);
    if (fd < 0) fail("fichier temporaire impossible à créer dans " + dir + " (" + std::strerror(errno) + ").");
    ::close(fd);
    file.path = pattern;
  }

  lxw_workbook_options options{};
  options.constant_memory = LXW_FALSE;
  options.tmpdir = dir.data();  // libxlsxwriter's own temporary files, next to ours
  options.use_zip64 = LXW_FALSE;
  WorkbookOwner owner;
  owner.workbook = workbook_new_opt(file.path.c_str(), &options);
  if (!owner.workbook) fail("création du classeur.");
  lxw_workbook* wb = owner.workbook;

  Formats f{workbook_add_format(wb), workbook_add_format(wb), workbook_add_format(wb), workbook_add_format(wb)};
  if (!f.header || !f.header_wrapped || !f.wrapped || !f.integer) fail("mémoire insuffisante.");
  format_set_bold(f.header);
  format_set_bold(f.header_wrapped);
  format_set_text_wrap(f.header_wrapped);
  format_set_align(f.header_wrapped, LXW_ALIGN_VERTICAL_TOP);
  format_set_text_wrap(f.wrapped);
  format_set_align(f.wrapped, LXW_ALIGN_VERTICAL_TOP);
  // "0" rather than General, which shows integers of 12 digits or more as 1,23457E+13.
  format_set_num_format(f.integer, "0");

  for (const auto& sheet : sheets) write_sheet(wb, f, sheet.name, sheet.rows);

  lxw_error closed;
  {
    std::lock_guard lock(close_mutex);
    owner.workbook = nullptr;  // workbook_close() frees it, error or not
    closed = workbook_close(wb);
  }
  check(closed, "écriture du fichier");

  std::ifstream in(file.path, std::ios::binary);
  if (!in) fail("relecture du fichier temporaire.");
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad() || bytes.empty()) fail("relecture du fichier temporaire.");
  return bytes;
}

}  // namespace passerelle::xlsx
