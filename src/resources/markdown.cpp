// Markdown → HTML through cmark-gfm, the only file that includes its headers.
// Safe mode (no CMARK_OPT_UNSAFE): raw HTML becomes a comment and dangerous
// link targets (javascript:, vbscript:, data: but images) are emptied. The GFM
// extensions a practical sheet needs: tables, autolinks, strikethrough.
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <cstdlib>
#include <memory>
#include <mutex>

#include "resources/rules.hpp"

namespace passerelle::resources {

std::string render_markdown(std::string_view markdown) {
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });
  const int options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
  std::unique_ptr<cmark_parser, decltype(&cmark_parser_free)> parser(cmark_parser_new(options), &cmark_parser_free);
  if (!parser) return {};
  for (const char* name : {"table", "autolink", "strikethrough"})
    if (auto* ext = cmark_find_syntax_extension(name)) cmark_parser_attach_syntax_extension(parser.get(), ext);
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  std::unique_ptr<cmark_node, decltype(&cmark_node_free)> doc(cmark_parser_finish(parser.get()), &cmark_node_free);
  if (!doc) return {};
  std::unique_ptr<char, decltype(&std::free)> html(
      cmark_render_html(doc.get(), options, cmark_parser_get_syntax_extensions(parser.get())), &std::free);
  return html ? std::string(html.get()) : std::string();
}

}  // namespace passerelle::resources
