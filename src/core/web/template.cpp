#include "core/web/template.hpp"

#include <algorithm>
#include <stdexcept>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/embedded.hpp"

namespace passerelle::web {

namespace json = boost::json;

struct Template::Node {
  enum class Kind { text, newline, variable, raw, section, inverted, partial } kind = Kind::text;
  std::string text;                // text, newline: the characters; partial: the name
  std::vector<std::string> path;   // variable, raw, section, inverted: "a.b" as {"a", "b"}; empty for {{.}}
  std::vector<Node> children;      // section, inverted
};

namespace {

using Node = Template::Node;
using Kind = Node::Kind;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string> split_path(std::string_view name) {
  std::vector<std::string> out;
  if (name == ".") return out;
  std::size_t start = 0;
  while (true) {
    auto dot = name.find('.', start);
    out.emplace_back(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

std::vector<Node> parse(std::string_view in) {
  struct Open {
    std::vector<Node>* children;
    std::string name;
    std::size_t at;
  };
  std::vector<Node> root;
  std::vector<Open> open{{&root, "", 0}};
  std::string text;
  auto flush_text = [&] {
    if (text.empty()) return;
    open.back().children->push_back(Node{Kind::text, std::move(text), {}, {}});
    text.clear();
  };
  std::size_t i = 0;
  while (i < in.size()) {
    if (in.compare(i, 2, "{{") != 0) {
      const char c = in[i];
      if (c == '\r' || c == '\n') {
        flush_text();
        const std::size_t n = (c == '\r' && i + 1 < in.size() && in[i + 1] == '\n') ? 2 : 1;
        open.back().children->push_back(Node{Kind::newline, std::string(in.substr(i, n)), {}, {}});
        i += n;
      } else {
        text += c;
        ++i;
      }
      continue;
    }
    flush_text();
    const std::size_t start = i;
    const bool triple = i + 2 < in.size() && in[i + 2] == '{';
    const std::string_view end = triple ? "}}}" : "}}";
    const std::size_t contents_at = i + (triple ? 3 : 2);
    const auto close = in.find(end, contents_at);
    if (close == std::string_view::npos) throw std::runtime_error(fmt::format("Unclosed tag at {}", start));
    auto contents = trim(in.substr(contents_at, close - contents_at));
    i = close + end.size();
    auto& children = *open.back().children;
    if (triple) {
      children.push_back(Node{Kind::raw, "", split_path(contents), {}});
      continue;
    }
    const char sigil = contents.empty() ? '\0' : contents.front();
    auto name = [&] { return trim(contents.substr(1)); };
    switch (sigil) {
      case '#':
      case '^':
        children.push_back(Node{sigil == '#' ? Kind::section : Kind::inverted, "", split_path(name()), {}});
        open.push_back({&children.back().children, std::string(name()), start});
        break;
      case '/':
        if (open.size() == 1)
          throw std::runtime_error(fmt::format("Unopened section \"{}\" at {}", std::string(name()), start));
        if (open.back().name != name())
          throw std::runtime_error(fmt::format("Unclosed section \"{}\" at {}", open.back().name, open.back().at));
        open.pop_back();
        break;
      case '>':
        children.push_back(Node{Kind::partial, "partials/" + std::string(name()), {}, {}});  // the template's name
        break;
      case '&':
        children.push_back(Node{Kind::raw, "", split_path(name()), {}});
        break;
      case '!':
        break;
      case '=':
        throw std::runtime_error(fmt::format("Set-delimiter tags are not supported (at {})", start));
      default:
        children.push_back(Node{Kind::variable, "", split_path(contents), {}});
        break;
    }
  }
  flush_text();
  if (open.size() > 1)
    throw std::runtime_error(fmt::format("Unclosed section \"{}\" at {}", open.back().name, open.back().at));
  return root;
}

bool is_false(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return true;
    case json::kind::bool_: return !v.get_bool();
    case json::kind::string: return v.get_string().empty();
    case json::kind::array: return v.get_array().empty();
    default: return false;
  }
}

// Runs of characters that need no escaping are appended in one piece.
void escape_into(std::string& out, std::string_view s) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char* entity;
    switch (s[i]) {
      case '&': entity = "&amp;"; break;
      case '<': entity = "&lt;"; break;
      case '>': entity = "&gt;"; break;
      case '"': entity = "&quot;"; break;
      case '\'': entity = "&apos;"; break;
      default: continue;
    }
    out.append(s.data() + run, i - run);
    out.append(entity);
    run = i + 1;
  }
  out.append(s.data() + run, s.size() - run);
}

}  // namespace

// Walks the tree with a context stack and kainjow's line rule. The current line
// is written straight into the output (from line_start_): a line to drop is cut
// off again at its end, rather than every line being copied through a buffer.
class Renderer {
 public:
  Renderer(std::string& out, const TemplateSet* partials) : out_(out), partials_(partials) {}

  void run(const std::vector<Node>& nodes, const json::value& root) {
    stack_.push_back(&root);
    line_start_ = out_.size();
    walk(nodes);
    end_line(nullptr);
  }
  void walk(const std::vector<Node>& nodes) {
    for (const auto& n : nodes) {
      switch (n.kind) {
        case Kind::text: out_ += n.text; break;
        case Kind::newline: end_line(&n.text); break;
        case Kind::variable:
        case Kind::raw:
          if (const auto* v = lookup(n.path)) write(*v, n.kind == Kind::variable);
          break;
        case Kind::section:
          if (const auto* v = lookup(n.path); v && !is_false(*v)) section(n, v);
          break;
        case Kind::inverted:
          if (const auto* v = lookup(n.path); !v || is_false(*v)) section(n, nullptr);
          break;
        case Kind::partial:
          if (const auto* t = partials_ ? partials_->find(n.text) : nullptr) walk(*t->nodes_);
          break;
      }
    }
  }

 private:
  const json::value* lookup(const std::vector<std::string>& path) const {
    if (path.empty()) return stack_.back();
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
      const json::value* v = *it;
      for (const auto& part : path) {
        const auto* obj = v->if_object();
        v = obj ? obj->if_contains(part) : nullptr;
        if (!v) break;
      }
      if (v) return v;
    }
    return nullptr;
  }

  void write(const json::value& v, bool escaped) {
    switch (v.kind()) {
      case json::kind::string:
        if (escaped)
          escape_into(out_, v.get_string());
        else
          out_ += v.get_string();
        break;
      case json::kind::int64: fmt::format_to(std::back_inserter(out_), "{}", v.get_int64()); break;
      case json::kind::uint64: fmt::format_to(std::back_inserter(out_), "{}", v.get_uint64()); break;
      case json::kind::double_: fmt::format_to(std::back_inserter(out_), "{}", v.get_double()); break;
      default: break;  // booleans, null, objects and lists write nothing
    }
  }

  void section(const Node& n, const json::value* v) {
    if (v && v->is_array()) {
      for (const auto& item : v->get_array()) {
        section_tag_ = true;
        stack_.push_back(&item);
        walk(n.children);
        stack_.pop_back();
        section_tag_ = true;
      }
      return;
    }
    section_tag_ = true;
    if (v) stack_.push_back(v);
    walk(n.children);
    if (v) stack_.pop_back();
    section_tag_ = true;
  }

  void end_line(const std::string* newline) {
    bool drop = false;
    if (section_tag_)
      drop = std::all_of(out_.begin() + static_cast<std::ptrdiff_t>(line_start_), out_.end(),
                         [](char c) { return c == ' ' || c == '\t'; });
    if (drop)
      out_.resize(line_start_);
    else if (newline)
      out_ += *newline;
    line_start_ = out_.size();
    section_tag_ = false;
  }

  std::string& out_;
  const TemplateSet* partials_;
  std::vector<const json::value*> stack_;
  std::size_t line_start_ = 0;
  bool section_tag_ = false;
};

Template::Template(std::string_view source)
    : nodes_(std::make_unique<std::vector<Node>>(parse(source))), size_hint_(std::make_unique<std::atomic<std::size_t>>(0)) {}
Template::~Template() = default;
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;

std::string Template::render(const json::value& data, const TemplateSet* partials) const {
  std::string out;
  const auto hint = size_hint_->load(std::memory_order_relaxed);
  out.reserve(std::max<std::size_t>(4096, hint + hint / 8));
  Renderer(out, partials).run(*nodes_, data);
  size_hint_->store(out.size(), std::memory_order_relaxed);
  return out;
}

TemplateSet::TemplateSet() {
  for (auto& f : embedded::files()) {
    std::string_view p = f.path;
    if (!p.starts_with("templates/") || !p.ends_with(".mustache")) continue;
    std::string name(p.substr(10, p.size() - 10 - 9));
    try {
      templates_.emplace_back(name, Template(f.data));
    } catch (const std::runtime_error& e) {
      throw std::runtime_error("template " + name + ": " + e.what());
    }
  }
  std::ranges::sort(templates_, {}, &std::pair<std::string, Template>::first);
}

const TemplateSet& TemplateSet::embedded() {
  static const TemplateSet set;
  return set;
}

const Template* TemplateSet::find(std::string_view name) const {
  auto it = std::ranges::lower_bound(templates_, name, {}, [](const auto& e) { return std::string_view(e.first); });
  return it != templates_.end() && it->first == name ? &it->second : nullptr;
}

const Template& TemplateSet::get(std::string_view name) const {
  if (const auto* t = find(name)) return *t;
  throw std::runtime_error("unknown template " + std::string(name));
}

std::string TemplateSet::render(std::string_view name, const json::value& data) const {
  return get(name).render(data, this);
}

}  // namespace passerelle::web
