#include "core/web/download.hpp"

#include <fmt/format.h>

#include "core/auth/audit.hpp"
#include "core/web/csv.hpp"
#include "core/web/xlsx.hpp"

namespace passerelle::web {

http::Response download(Ctx& ctx, std::string_view entity, std::string_view sheet, std::string_view basename,
                        const std::string& format, const std::vector<std::vector<std::string>>& rows) {
  audit::record(ctx.db(), ctx.user().id, "export", entity, 0,
                fmt::format("{} lignes, format {}, filtres : {}", rows.empty() ? 0 : rows.size() - 1, format,
                            ctx.req.query_string),
                ctx.req.remote_addr);
  http::Response res;
  if (format == "xlsx") {
    res.body = xlsx::workbook(sheet, rows);
    res.set_header("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  } else {
    bool comma = ctx.req.query("sep") == "virgule";
    res.body = csv::write(rows, comma ? ',' : ';', !comma);
    res.set_header("Content-Type", "text/csv; charset=utf-8");
  }
  res.set_header("Content-Disposition", fmt::format("attachment; filename=\"{}.{}\"", basename, format));
  return res;
}

}  // namespace passerelle::web
