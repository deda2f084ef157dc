#pragma once
// Excel export (.xlsx), through libxlsxwriter.
#include <string>
#include <string_view>
#include <vector>

namespace passerelle::xlsx {

// An .xlsx workbook with one sheet: rows[0] is the header (bold, frozen, autofilter), the rest data.
// Cells that look like integers without leading zero (and ≤ 15 digits) are written as numbers; everything else as text
// (so SIRET "00012…" and postcodes stay text). Returns the file's bytes. Throws std::runtime_error on failure.
//
// Details: the type is decided per column, so that a column sorts and filters as one type: a
// column's integers are numbers only when all its non-empty data cells are integers (one postcode
// "01000" or SIRET "00012…" keeps the whole column as text). Numbers get the format "0", so that
// 14-digit identifiers do not show as 1,23457E+13. The header is always text. The sheet name is sanitized ([]:*?/\ become '-', control
// characters and leading/trailing apostrophes go, at most 31 characters, "Feuille1" when nothing
// is left). Cell text is made fit for Excel: malformed UTF-8 becomes U+FFFD and text beyond Excel's
// 32,767 characters per cell is cut. Cells holding line breaks are wrapped. More than 1,048,576
// rows or 16,384 columns throw. Thread-safe.
std::string workbook(std::string_view sheet_name, const std::vector<std::vector<std::string>>& rows);

// A workbook of several sheets (a report: summary, funders, activities…), each written as above;
// two sheets may not share a name (case-insensitive) or libxlsxwriter refuses the second.
struct Sheet {
  std::string name;
  std::vector<std::vector<std::string>> rows;
};
std::string workbook(const std::vector<Sheet>& sheets);

}  // namespace passerelle::xlsx
