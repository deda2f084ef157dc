#pragma once
// CSV import and export, as French spreadsheets (Excel, LibreOffice) read and write it.
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace passerelle::csv {

struct Record { std::size_t line = 0; std::vector<std::string> fields; };  // line: 1-based physical line where the record starts
struct ParseError { std::size_t line = 0; std::string message; };          // French message
struct Table { char delimiter = ';'; std::vector<Record> records; };        // records[0] is the header line

// RFC 4180 with French spreadsheet habits: UTF-8 with or without BOM (stripped),
// delimiter ';' or ',' detected from the header line (the one that occurs more outside quotes; ';' on a tie),
// quoted fields with "" escapes and embedded newlines/delimiters, CRLF or LF, blank lines skipped,
// trailing empty line ignored. Errors (French): a quote left open ("Ligne 7 : guillemet ouvert jamais refermé."),
// a stray quote inside an unquoted field, invalid UTF-8 ("Ligne 3 : le fichier n'est pas encodé en UTF-8."),
// an empty file ("Le fichier est vide."). Fields are not trimmed.
//
// Details: a lone CR also ends a line (old Mac exports); line breaks inside quoted fields are kept
// as they are (CRLF stays CRLF). A blank line is empty or only spaces/tabs. Spaces/tabs between a
// closing quote and the next delimiter are dropped; any other character there is an error.
// Records may have different numbers of fields: checking that is the caller's job.
// ParseError::line is 0 for "Le fichier est vide.".
std::variant<Table, ParseError> parse(std::string_view data);

// One CSV document: fields quoted when they contain the delimiter, a quote, CR or LF, or start with a space;
// CRLF line ends; BOM first when `bom` (for Excel with ';'). Cells starting with '=', '+', '-', '@' are prefixed
// with a single quote (formula injection, OWASP CSV injection) unless they are plain numbers like -12 or +33 1 23.
//
// Details: fields containing ';' or ',' are quoted whatever the delimiter, so that parse() detects
// the delimiter back even for one-column documents. Cells starting with a tab or a CR are prefixed
// too (also on OWASP's list). A row holding one empty cell is written "" so that it is not read back
// as a blank line. Throws std::invalid_argument when the delimiter is '"', CR or LF.
std::string write(const std::vector<std::vector<std::string>>& rows, char delimiter, bool bom);

}  // namespace passerelle::csv
