#pragma once
// Files compiled into the binary: templates/, migrations/ and web/static/.
#include <string_view>
#include <vector>

namespace passerelle::embedded {
struct File {
  std::string_view path;  // relative to the project root, e.g. "templates/layout.mustache"
  std::string_view data;
};
const std::vector<File>& files();
}  // namespace passerelle::embedded
