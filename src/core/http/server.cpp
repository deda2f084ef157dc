// The only file that knows Boost.Beast: an asynchronous HTTP/1.1 server with
// keep-alive on a thread pool, after Beast's own advanced server example.
#include <boost/asio.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

#include "core/http/http.hpp"

namespace passerelle::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

std::atomic<unsigned short> g_bound_port{0};

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string percent_decode_path(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

class Session;

// Tracks open connections so that shutdown can close the idle ones while the
// busy ones finish their response.
struct Registry {
  std::mutex mutex;
  std::list<std::weak_ptr<Session>> sessions;
  std::atomic<bool> stopping{false};
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, const ServerOptions& options, const Handler& handler, Registry& registry)
      : stream_(std::move(socket)), options_(options), handler_(handler), registry_(registry) {}

  void start() {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::read_request, shared_from_this()));
  }

  // Called from the shutdown path: an idle connection is closed now, a busy
  // one closes after its response.
  void shutdown() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) {
        beast::error_code ec;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        self->stream_.close();
      }
    });
  }

 private:
  void read_request() {
    parser_.emplace();
    parser_->body_limit(options_.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(options_.header_limit));
    busy_ = false;
    if (registry_.stopping) return close();
    // The first bytes of a new request may wait for the keep-alive timeout;
    // once they arrive the whole request must come within read_timeout.
    stream_.expires_after(first_request_ ? options_.read_timeout : options_.idle_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    busy_ = true;
    first_request_ = false;
    stream_.expires_after(options_.read_timeout);
    // A client that asks for it waits for "100 Continue" before sending the
    // body (curl does for bodies over 1 MB, and gives up waiting after one
    // second): RFC 9110 §10.1.1, answer at once and read on.
    auto& msg = parser_->get();
    if (msg.version() >= 11 && !parser_->is_done() &&
        beast::iequals(msg[bhttp::field::expect], "100-continue")) {
      auto interim = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, msg.version());
      bhttp::async_write(stream_, *interim, [self = shared_from_this(), interim](beast::error_code ec, std::size_t) {
        if (ec) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read_error(beast::error_code ec) {
    // A client too slow to send its request is disconnected: the timer has
    // already closed the socket (beast::tcp_stream), so no answer can follow.
    if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted || ec == beast::error::timeout ||
        ec == asio::error::connection_reset || ec == asio::error::eof)
      return close();
    if (ec == bhttp::error::body_limit) {
      send_error(413, "Requête trop volumineuse", "Le contenu envoyé dépasse la taille maximale autorisée (10 Mo).");
      return;
    }
    if (ec == bhttp::error::header_limit) {
      send_error(431, "En-têtes trop volumineux", "Les en-têtes de la requête sont trop volumineux.");
      return;
    }
    send_error(400, "Requête invalide", "La requête HTTP est mal formée.");
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    auto started = std::chrono::steady_clock::now();
    auto& msg = parser_->get();

    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    auto qpos = req.target.find('?');
    req.path = percent_decode_path(std::string_view(req.target).substr(0, qpos));
    if (qpos != std::string::npos) req.query_string = req.target.substr(qpos + 1);
    for (auto const& field : msg) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    req.body = std::move(msg.body());
    req.remote_addr = remote_;
    keep_alive_ = msg.keep_alive() && !registry_.stopping;
    version_ = msg.version();

    Response res;
    try {
      res = handler_(req);
    } catch (const std::exception& e) {
      spdlog::error("{{\"event\":\"unhandled\",\"path\":\"{}\",\"error\":\"{}\"}}", json_escape(req.path),
                    json_escape(e.what()));
      res = Response::problem(500, "Erreur interne", "Une erreur inattendue s'est produite.");
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics::record(req.method, res.route.empty() ? "unmatched" : res.route, res.status, seconds);
    spdlog::info(
        "{{\"method\":\"{}\",\"path\":\"{}\",\"route\":\"{}\",\"status\":{},\"ms\":{:.3f},\"bytes\":{},\"remote\":\"{}\"}}",
        req.method, json_escape(req.path), json_escape(res.route), res.status, seconds * 1000.0, res.body.size(),
        remote_);
    send(std::move(res), req.method == "HEAD");
  }

  void send_error(int status, std::string_view title, std::string_view detail) {
    keep_alive_ = false;
    busy_ = true;
    linger_ = true;
    auto res = Response::problem(status, title, detail);
    // The application never saw this request: the same protective headers
    // as its own answers are set here.
    res.set_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Cache-Control", "no-store");
    metrics::record("-", "protocol_error", status, 0);
    send(std::move(res), false);
  }

  void send(Response res, bool head) {
    auto out = std::make_shared<bhttp::response<bhttp::string_body>>();
    out->version(version_ ? version_ : 11);
    out->result(static_cast<unsigned>(res.status));
    for (auto& [name, value] : res.headers) {
      // Beast does not check header values: a CR or LF from user input would
      // split the response. Such a header is a bug upstream; it is never sent.
      if (name.find_first_of("\r\n") != std::string::npos || value.find_first_of("\r\n") != std::string::npos) {
        spdlog::error("{{\"event\":\"header_dropped\",\"header\":\"{}\"}}", json_escape(name));
        continue;
      }
      out->insert(name, value);
    }
    out->set(bhttp::field::server, "passerelle");
    std::size_t length = res.body.size();
    if (!head) out->body() = std::move(res.body);
    out->keep_alive(keep_alive_);
    out->content_length(length);
    if (head) out->body().clear();
    response_ = out;
    stream_.expires_after(options_.read_timeout);
    if (head) {
      auto sr = std::make_shared<bhttp::response_serializer<bhttp::string_body>>(*out);
      serializer_ = sr;
      bhttp::async_write_header(stream_, *sr,
                                beast::bind_front_handler(&Session::on_write, shared_from_this(), keep_alive_));
      return;
    }
    bhttp::async_write(stream_, *out, beast::bind_front_handler(&Session::on_write, shared_from_this(), keep_alive_));
  }

  void on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    response_.reset();
    serializer_.reset();
    if (!ec && linger_) return linger();
    if (ec || !keep_alive) return close();
    read_request();
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  // An error response (body too large, malformed request…) may leave the
  // client still sending: closing at once would reset the connection and the
  // client would never read the response. Like nginx's lingering close: stop
  // sending, then read and discard what still comes, for a few seconds at most.
  void linger() {
    busy_ = false;  // a shutdown may close it at once
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    stream_.expires_after(kLingerTime);
    discard_ = std::make_unique<char[]>(kDiscardSize);
    drain();
  }

  void drain() {
    stream_.async_read_some(asio::buffer(discard_.get(), kDiscardSize),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close();
                              self->drain();
                            });
  }

  static constexpr auto kLingerTime = std::chrono::seconds(5);
  static constexpr std::size_t kDiscardSize = 16 * 1024;

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  const ServerOptions& options_;
  const Handler& handler_;
  Registry& registry_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<void> response_;
  std::shared_ptr<void> serializer_;
  std::string remote_;
  bool keep_alive_ = false;
  bool busy_ = false;
  bool first_request_ = true;
  bool linger_ = false;
  std::unique_ptr<char[]> discard_;
  unsigned version_ = 11;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& ioc, tcp::endpoint endpoint, const ServerOptions& options, const Handler& handler,
           Registry& registry)
      : ioc_(ioc), acceptor_(asio::make_strand(ioc)), options_(options), handler_(handler), registry_(registry) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    g_bound_port = acceptor_.local_endpoint().port();
  }

  void run() { accept(); }

  void stop() {
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
    });
  }

 private:
  void accept() {
    acceptor_.async_accept(asio::make_strand(ioc_), beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      auto session = std::make_shared<Session>(std::move(socket), options_, handler_, registry_);
      {
        std::lock_guard lock(registry_.mutex);
        registry_.sessions.remove_if([](auto& w) { return w.expired(); });
        registry_.sessions.push_back(session);
      }
      session->start();
    }
    accept();
  }

  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
  const ServerOptions& options_;
  const Handler& handler_;
  Registry& registry_;
};

}  // namespace

unsigned short bound_port() { return g_bound_port; }

void serve(const ServerOptions& options, Handler handler) {
  int threads = std::max(1, options.threads);
  asio::io_context ioc{threads};
  Registry registry;
  auto address = asio::ip::make_address(options.address);
  auto listener = std::make_shared<Listener>(ioc, tcp::endpoint{address, options.port}, options, handler, registry);
  listener->run();
  if (options.on_listening) options.on_listening();

  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int sig) {
    spdlog::info("{{\"event\":\"shutdown\",\"signal\":{}}}", sig);
    registry.stopping = true;
    listener->stop();
    std::lock_guard lock(registry.mutex);
    for (auto& w : registry.sessions)
      if (auto s = w.lock()) s->shutdown();
  });

  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
}

}  // namespace passerelle::http
