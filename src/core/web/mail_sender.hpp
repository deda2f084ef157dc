#pragma once
// The sender of the mail outbox: a thread of `passerelle serve` (and the
// command `passerelle mail send`, one pass) that claims the due messages,
// sends each to the SMTP relay and records the outcome (outbox.hpp).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/db/database.hpp"
#include "core/web/outbox.hpp"

namespace passerelle::mail {

struct Settings {
  std::string smtp_url;  // PASSERELLE_SMTP_URL; empty: messages stay queued
  std::string from_address = "ne-pas-repondre@localhost", from_name = "Passerelle";  // PASSERELLE_MAIL_FROM
  std::vector<std::int64_t> retry_delays = outbox::default_retry_delays();  // PASSERELLE_MAIL_RETRY_DELAYS
  std::int64_t lease_seconds = 600;                 // PASSERELLE_MAIL_LEASE_SECONDS; longer than any send (libcurl gives up after 130 s)
  std::chrono::milliseconds interval{5000};         // PASSERELLE_MAIL_INTERVAL_MS: how often the queue is looked at
  std::chrono::seconds passes_interval{300};        // how often the periodic passes run (reminders, expired offers)
  static Settings from_env();
};

// The MIME text of a claimed message, dated `unix_time`.
std::string render(const outbox::Claimed& m, const Settings& s, std::int64_t unix_time);

struct Drained {
  int sent = 0, retried = 0, failed = 0;
  std::int64_t uncertain = 0;  // stale "sending" rows found (see outbox::recover_stale)
};
// One pass: stale claims become uncertain, then every due message is sent
// (batches of 4 until none is due). Nothing is claimed without an SMTP URL.
Drained drain_once(db::Database& database, const Settings& s);

// A pass run beside the sender every passes_interval (events: reminders of the
// day before, expired offers). It gets its own connection, for writes.
using Pass = std::function<void(db::Connection&)>;

// The thread of `passerelle serve`: started by the constructor, stopped and
// joined by the destructor (a send in progress finishes first).
class Sender {
 public:
  Sender(db::Database& database, Settings settings, std::vector<Pass> passes);
  ~Sender();
  // Stops and joins the thread (a send in progress finishes first); idempotent.
  void stop();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

 private:
  void run(std::stop_token stop);
  db::Database& database_;
  Settings settings_;
  std::vector<Pass> passes_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;
};

}  // namespace passerelle::mail
