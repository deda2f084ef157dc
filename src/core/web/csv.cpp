#include "core/web/csv.hpp"

#include "core/web/text.hpp"

#include <stdexcept>

namespace passerelle::csv {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string at_line(std::size_t line, std::string_view message) {
  return "Ligne " + std::to_string(line) + " : " + std::string(message);
}

ParseError error_at(std::size_t line, std::string_view message) {
  return ParseError{line, at_line(line, message)};
}

// Length of the line break at d[i]: 2 for CRLF, 1 for LF or a lone CR, 0 for anything else.
std::size_t line_break(std::string_view d, std::size_t i) {
  if (i >= d.size()) return 0;
  if (d[i] == '\n') return 1;
  if (d[i] == '\r') return (i + 1 < d.size() && d[i + 1] == '\n') ? 2 : 1;
  return 0;
}

bool is_blank_char(char c) { return c == ' ' || c == '\t'; }

// 1-based number of the first physical line that is not well-formed UTF-8, 0 when all are.
// CR and LF are ASCII, so cutting at them never splits a well-formed sequence.
std::size_t first_invalid_utf8_line(std::string_view d) {
  if (text::is_valid_utf8(d)) return 0;
  std::size_t line = 1;
  std::size_t start = 0;
  for (std::size_t i = 0;;) {
    if (i == d.size() || d[i] == '\n' || d[i] == '\r') {
      if (!text::is_valid_utf8(d.substr(start, i - start))) return line;
      if (i == d.size()) return 0;  // unreachable: the whole text was invalid
      i += line_break(d, i);
      start = i;
      ++line;
    } else {
      ++i;
    }
  }
}

// When the line starting at i is blank (empty or only spaces/tabs), moves i past it (and its
// line break, counting it in `line`) and returns true.
bool skip_blank_line(std::string_view d, std::size_t& i, std::size_t& line) {
  std::size_t j = i;
  while (j < d.size() && is_blank_char(d[j])) ++j;
  const std::size_t lb = line_break(d, j);
  if (j < d.size() && lb == 0) return false;
  i = j + lb;
  if (lb > 0) ++line;
  return true;
}

// ';' or ',': whichever occurs more outside quotes in the record starting at i; ';' on a tie.
char detect_delimiter(std::string_view d, std::size_t i) {
  std::size_t semicolons = 0;
  std::size_t commas = 0;
  bool quoted = false;
  for (; i < d.size(); ++i) {
    const char c = d[i];
    if (c == '"') {
      quoted = !quoted;  // "" inside quotes toggles twice
    } else if (!quoted) {
      if (c == '\n' || c == '\r') break;
      if (c == ';') ++semicolons;
      if (c == ',') ++commas;
    }
  }
  return commas > semicolons ? ',' : ';';
}

// Plain numbers need no protection against formula injection: an optional sign, then digits,
// possibly grouped or split by spaces, dots or commas ("-12", "+33 1 23 45 67 89", "-1 234,50").
bool is_plain_number(std::string_view v) {
  std::size_t i = (!v.empty() && (v[0] == '+' || v[0] == '-')) ? 1 : 0;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (i >= v.size() || !digit(v[i]) || !digit(v.back())) return false;
  for (; i < v.size(); ++i) {
    const char c = v[i];
    if (!digit(c) && c != ' ' && c != '.' && c != ',') return false;
  }
  return true;
}

// OWASP CSV injection: a spreadsheet would evaluate these cells as formulas.
bool needs_formula_guard(std::string_view v) {
  if (v.empty()) return false;
  switch (v[0]) {
    case '=':
    case '@':
    case '\t':
    case '\r':
      return true;
    case '+':
    case '-':
      return !is_plain_number(v);
    default:
      return false;
  }
}

void append_cell(std::string& out, std::string_view cell, char delimiter) {
  const bool guard = needs_formula_guard(cell);
  bool quote = !guard && !cell.empty() && cell[0] == ' ';
  for (const char c : cell) {
    if (c == delimiter || c == '"' || c == '\r' || c == '\n' || c == ';' || c == ',') {
      quote = true;
      break;
    }
  }
  if (quote) out += '"';
  if (guard) out += '\'';
  for (const char c : cell) {
    if (c == '"' && quote) out += '"';
    out += c;
  }
  if (quote) out += '"';
}

}  // namespace

std::variant<Table, ParseError> parse(std::string_view data) {
  if (data.starts_with(kBom)) data.remove_prefix(kBom.size());
  const std::string_view d = data;
  const std::size_t n = d.size();

  if (const std::size_t bad = first_invalid_utf8_line(d)) {
    return error_at(bad, "le fichier n'est pas encodé en UTF-8.");
  }

  Table table;
  std::size_t i = 0;
  std::size_t line = 1;
  bool delimiter_known = false;

  while (i < n) {
    if (skip_blank_line(d, i, line)) continue;
    if (!delimiter_known) {
      table.delimiter = detect_delimiter(d, i);
      delimiter_known = true;
    }
    const char delimiter = table.delimiter;
    const char unquoted_stops[] = {delimiter, '"', '\r', '\n'};

    Record record;
    record.line = line;
    for (;;) {  // one field per turn
      std::string field;
      if (i < n && d[i] == '"') {
        const std::size_t open_line = line;
        ++i;
        for (;;) {
          const std::size_t k = d.find_first_of("\"\r\n", i);
          if (k == std::string_view::npos) return error_at(open_line, "guillemet ouvert jamais refermé.");
          field.append(d.substr(i, k - i));
          i = k;
          if (d[i] == '"') {
            if (i + 1 < n && d[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;  // closing quote
            break;
          }
          const std::size_t lb = line_break(d, i);
          field.append(d.substr(i, lb));
          i += lb;
          ++line;
        }
        std::size_t j = i;
        while (j < n && is_blank_char(d[j])) ++j;
        if (j < n && d[j] != delimiter && !line_break(d, j)) {
          return error_at(line, "caractère inattendu après un champ entre guillemets "
                                "(un guillemet à l'intérieur d'un champ doit être doublé).");
        }
        i = j;
      } else {
        std::size_t k = d.find_first_of(std::string_view(unquoted_stops, sizeof unquoted_stops), i);
        if (k == std::string_view::npos) k = n;
        if (k < n && d[k] == '"') {
          return error_at(line, "guillemet inattendu dans un champ ; un champ qui contient des "
                                "guillemets doit être entouré de guillemets, et ses guillemets doublés.");
        }
        field.assign(d.substr(i, k - i));
        i = k;
      }
      record.fields.push_back(std::move(field));
      if (i < n && d[i] == delimiter) {
        ++i;
        continue;
      }
      if (const std::size_t lb = line_break(d, i)) {
        i += lb;
        ++line;
      }
      break;  // end of line or end of data
    }
    table.records.push_back(std::move(record));
  }

  if (table.records.empty()) return ParseError{0, "Le fichier est vide."};
  return table;
}

std::string write(const std::vector<std::vector<std::string>>& rows, char delimiter, bool bom) {
  if (delimiter == '"' || delimiter == '\r' || delimiter == '\n') {
    throw std::invalid_argument("csv::write: invalid delimiter");
  }
  std::string out;
  if (bom) out += kBom;
  for (const auto& row : rows) {
    if (row.size() == 1 && row[0].empty()) {
      out += "\"\"";  // an empty line would be skipped as blank when read back
    } else {
      for (std::size_t c = 0; c < row.size(); ++c) {
        if (c > 0) out += delimiter;
        append_cell(out, row[c], delimiter);
      }
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace passerelle::csv
