// Markdown → HTML through cmark-gfm, the only file that includes its header.
// Safe mode (no CMARK_OPT_UNSAFE): raw HTML becomes a comment and dangerous
// link targets are emptied. The GFM extensions (tables, autolinks) live in a
// library Debian does not package with the -dev files, so CommonMark core only.
#include <cmark-gfm.h>

#include <cstdlib>
#include <memory>

#include "resources/rules.hpp"

namespace passerelle::resources {

std::string render_markdown(std::string_view markdown) {
  std::unique_ptr<char, decltype(&std::free)> html(
      cmark_markdown_to_html(markdown.data(), markdown.size(), CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8),
      &std::free);
  return html ? std::string(html.get()) : std::string();
}

}  // namespace passerelle::resources
