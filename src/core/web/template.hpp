#pragma once
// Mustache templates rendered straight from boost::json values.
//
// The pages used kainjow::mustache, which needs its own copy of the data (a deep
// conversion of every JSON value into its hash maps) and re-reads the template
// on every render: two thirds of the CPU of a list page. This renderer parses a
// template once into an immutable tree, shared by every thread, and walks the
// JSON the handler built. Its output is kainjow's, byte for byte (a unit test
// renders every template of the project with both), including:
//   - values: a non-empty string, a number, an object or a non-empty list is
//     true; false, null, "" and [] are false; numbers are written out;
//   - {{name}} escapes & < > " ' ; {{{name}}} and {{&name}} do not;
//   - {{a.b}} is looked up from the innermost context outwards, whole path per
//     context; {{.}} is the current item;
//   - a line whose output is only blanks and that held a rendered section's tag
//     is dropped, newline included (kainjow's "standalone" rule);
//   - {{> name}} renders templates/partials/<name>.mustache in place;
//   - comments {{! … }}. Set-delimiter tags and lambdas are not supported.
#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>

namespace passerelle::web {

class Template {
 public:
  // Throws std::runtime_error naming the problem (unclosed section, stray closing tag…).
  explicit Template(std::string_view source);
  ~Template();
  Template(Template&&) noexcept;
  Template& operator=(Template&&) noexcept;

  // `partials` resolves {{> name}} (may be null: partials then render nothing).
  std::string render(const boost::json::value& data, const class TemplateSet* partials = nullptr) const;

  struct Node;

 private:
  std::unique_ptr<std::vector<Node>> nodes_;
  // Size of the last output: the next one reserves that much (plus a margin)
  // instead of growing by doubling and copying (a 150 KB list was copied 4 times).
  std::unique_ptr<std::atomic<std::size_t>> size_hint_;
  friend class Renderer;
};

// Every embedded templates/<name>.mustache, parsed once on first use; thread-safe.
class TemplateSet {
 public:
  static const TemplateSet& embedded();
  // Throws std::runtime_error for an unknown name.
  const Template& get(std::string_view name) const;
  const Template* find(std::string_view name) const;
  std::string render(std::string_view name, const boost::json::value& data) const;

 private:
  TemplateSet();
  struct Entry;
  std::vector<std::pair<std::string, Template>> templates_;  // sorted by name
};

}  // namespace passerelle::web
