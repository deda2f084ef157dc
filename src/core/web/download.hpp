#pragma once
// Exports of every list: a file to download, CSV with ";" and a BOM for French
// spreadsheets ("," without BOM with ?sep=virgule) or XLSX ("xlsx"), written
// to the audit log with its line count and the list's filters.
#include <string>
#include <string_view>
#include <vector>

#include "core/web/app.hpp"

namespace passerelle::web {

// rows[0] is the header line. `entity` names the audit row, `sheet` the XLSX
// sheet, `basename` the file (without extension).
http::Response download(Ctx& ctx, std::string_view entity, std::string_view sheet, std::string_view basename,
                        const std::string& format, const std::vector<std::vector<std::string>>& rows);

}  // namespace passerelle::web
