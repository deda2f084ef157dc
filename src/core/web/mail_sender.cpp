#include "core/web/mail_sender.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <ctime>

#include "core/auth/auth.hpp"
#include "core/web/smtp.hpp"

namespace passerelle::mail {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string quoted(std::string_view s) { return boost::json::serialize(boost::json::string(s)); }

constexpr int kBatch = 4;  // × 120 s < the 600 s lease

}  // namespace

Settings Settings::from_env() {
  Settings s;
  s.smtp_url = env("PASSERELLE_SMTP_URL");
  // "adresse@exemple.fr" or "Nom affiché <adresse@exemple.fr>".
  auto from = env("PASSERELLE_MAIL_FROM");
  if (auto lt = from.find('<'); lt != std::string::npos && from.find('>', lt) != std::string::npos) {
    s.from_address = from.substr(lt + 1, from.find('>', lt) - lt - 1);
    auto name = from.substr(0, lt);
    while (!name.empty() && (name.back() == ' ' || name.back() == '"')) name.pop_back();
    while (!name.empty() && (name.front() == ' ' || name.front() == '"')) name.erase(0, 1);
    s.from_name = name;
  } else if (!from.empty()) {
    s.from_address = from;
    s.from_name.clear();
  }
  s.retry_delays = outbox::retry_delays_from_env();
  // How long a claim holds its messages; must exceed a send (libcurl gives up
  // after 130 s at most). Shorter only in tests of a sender that dies.
  if (auto lease = env("PASSERELLE_MAIL_LEASE_SECONDS"); !lease.empty()) {
    try {
      s.lease_seconds = std::max(1LL, std::stoll(lease));
    } catch (...) {
    }
  }
  if (auto ms = env("PASSERELLE_MAIL_INTERVAL_MS"); !ms.empty()) {
    try {
      s.interval = std::chrono::milliseconds(std::max(50LL, std::stoll(ms)));
    } catch (...) {
    }
  }
  return s;
}

std::string render(const outbox::Claimed& m, const Settings& s, std::int64_t unix_time) {
  mime::Message msg;
  msg.from_address = s.from_address;
  msg.from_name = s.from_name;
  msg.to_address = m.to_address;
  msg.to_name = m.to_name;
  msg.subject = m.subject;
  msg.text = m.text;
  msg.html = m.html;
  msg.attachments = m.attachments;
  msg.message_id = m.message_id;
  msg.date = unix_time;
  msg.boundary_seed = auth::random_token(8);
  // RFC 3834: an automatic message; vacation responders do not answer it.
  msg.extra_headers = {{"Auto-Submitted", "auto-generated"}, {"X-Passerelle-Kind", m.kind}};
  // RFC 2369: mail clients offer "unsubscribe" with it (mailings).
  // RFC 8058: and unsubscribe in one click, the provider POSTing to that link.
  if (!m.list_unsubscribe.empty()) {
    msg.extra_headers.emplace_back("List-Unsubscribe", "<" + m.list_unsubscribe + ">");
    msg.extra_headers.emplace_back("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
  }
  return mime::build(msg);
}

Drained drain_once(db::Database& database, const Settings& s) {
  Drained out;
  {
    auto lease = database.acquire_for_write();
    out.uncertain = outbox::recover_stale(*lease, auth::now_utc());
  }
  if (out.uncertain)
    spdlog::warn("{{\"event\":\"mail_uncertain\",\"count\":{}}}", out.uncertain);
  if (s.smtp_url.empty()) return out;
  for (int batch = 0; batch < 1000; ++batch) {
    std::vector<outbox::Claimed> claimed;
    {
      auto lease = database.acquire_for_write();
      // A few at a time: the last of a batch must be sent before the lease of
      // the batch ends, even when each send takes libcurl's whole 120 s.
      claimed = outbox::claim_due(*lease, auth::now_utc(), s.lease_seconds, kBatch);
    }
    if (claimed.empty()) break;
    for (auto& m : claimed) {
      // No connection is held while the relay is talked to.
      auto result = smtp::send(s.smtp_url, s.from_address, m.to_address, render(m, s, std::time(nullptr)));
      auto lease = database.acquire_for_write();
      if (result.sent) {
        outbox::mark_sent(*lease, m, auth::now_utc());
        ++out.sent;
        spdlog::info("{{\"event\":\"mail_sent\",\"id\":{},\"kind\":{}}}", m.id, quoted(m.kind));
      } else {
        bool last = result.permanent || !outbox::retry_delay(m.attempts, s.retry_delays);
        outbox::mark_failed(*lease, m, result.error, result.permanent, auth::now_utc(), s.retry_delays);
        ++(last ? out.failed : out.retried);
        spdlog::warn("{{\"event\":\"{}\",\"id\":{},\"attempt\":{},\"error\":{}}}", last ? "mail_failed" : "mail_retry",
                     m.id, m.attempts, quoted(result.error));
      }
    }
  }
  return out;
}

Sender::Sender(db::Database& database, Settings settings, std::vector<Pass> passes)
    : database_(database), settings_(std::move(settings)), passes_(std::move(passes)) {
  if (settings_.smtp_url.empty()) {
    std::int64_t queued = 0;
    {
      auto lease = database_.acquire();
      for (auto& [status, n] : outbox::counts(*lease))
        if (status == "queued") queued = n;
    }
    spdlog::warn("{{\"event\":\"mail_disabled\",\"detail\":{},\"queued\":{}}}",
                 quoted("PASSERELLE_SMTP_URL n'est pas défini : les courriels restent en file d'attente"), queued);
  } else {
    spdlog::info("{{\"event\":\"mail_sender\",\"from\":{},\"interval_ms\":{}}}", quoted(settings_.from_address),
                 settings_.interval.count());
  }
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

Sender::~Sender() { stop(); }

void Sender::stop() {
  thread_.request_stop();
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Sender::run(std::stop_token stop) {
  auto next_passes = std::chrono::steady_clock::now();
  while (!stop.stop_requested()) {
    try {
      if (std::chrono::steady_clock::now() >= next_passes) {
        next_passes = std::chrono::steady_clock::now() + settings_.passes_interval;
        for (auto& pass : passes_) {
          auto lease = database_.acquire_for_write();
          pass(*lease);
        }
      }
      drain_once(database_, settings_);
    } catch (const std::exception& e) {
      spdlog::error("{{\"event\":\"mail_sender_error\",\"error\":{}}}", quoted(e.what()));
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, stop, settings_.interval, [] { return false; });
  }
}

}  // namespace passerelle::mail
